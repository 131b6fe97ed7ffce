using Phosphene.Kernel.Execution.Packages;

namespace Phosphene.Kernel.Tests;

/// <summary>Reading <c>#r "nuget: …"</c> directives and the assets of a restored graph (no restore runs here).</summary>
public class PackageAssetsTests
{
    [Theory]
    [InlineData("nuget: FuzzySharp, 2.0.2", "FuzzySharp", "2.0.2")]
    [InlineData("nuget:FuzzySharp", "FuzzySharp", null)]
    [InlineData("NuGet: Some.Package , [1.0,2.0) ", "Some.Package", "[1.0,2.0)")]
    public void PackageDirectivesParse(string reference, string name, string? version)
        => Assert.Equal(new PackageRequest(name, version), PackageRequest.TryParse(reference));

    [Fact]
    public void PathReferencesAreNotPackages() => Assert.Null(PackageRequest.TryParse("libs/Greeter.dll"));

    [Theory]
    [InlineData("nuget: ")]
    [InlineData("nuget: Foo, ")]
    [InlineData("nuget: Two Words")]
    public void PackageDirectiveWithoutANameIsAClearError(string reference)
    {
        var error = Assert.Throws<FormatException>(() => PackageRequest.TryParse(reference));
        Assert.Equal($"'#r \"{reference}\"' is not a package reference: write #r \"nuget: Name\" or #r \"nuget: Name, 1.2.3\".", error.Message);
    }

    [Fact]
    public void CellDirectivesAreFoundInOrderAndOtherReferencesIgnored()
    {
        var requests = PackageRequest.InCell("#r \"nuget: A, 1.0.0\"\n#r \"libs/x.dll\"\n#r \"nuget: B\"\nvar x = 1;");
        Assert.Equal([new PackageRequest("A", "1.0.0"), new PackageRequest("B", null)], requests);
        Assert.Empty(PackageRequest.InCell("var modulo = 7 % 2; // #r is only a directive at the top"));
    }

    [Fact]
    public void AssetsGiveRuntimeAssembliesForThisPlatformAndNativeFolders()
    {
        var root = Directory.CreateTempSubdirectory("phosphene-assets").FullName;
        try
        {
            var packages = Path.Combine(root, "packages") + "/";
            Directory.CreateDirectory(Path.Combine(packages, "alpha", "1.0.0"));
            Directory.CreateDirectory(Path.Combine(packages, "beta", "2.0.0"));
            var assets = Path.Combine(root, "project.assets.json");
            File.WriteAllText(assets, $$"""
                {
                  "version": 3,
                  "targets": {
                    "{{PackageRestore.TargetFramework}}": {
                      "Alpha/1.0.0": {
                        "type": "package",
                        "dependencies": { "Beta": "2.0.0" },
                        "compile": { "ref/netstandard2.0/Alpha.dll": {} },
                        "runtime": { "lib/netstandard2.0/Alpha.dll": {} },
                        "runtimeTargets": {
                          "runtimes/unix/lib/net8.0/Alpha.dll": { "assetType": "runtime", "rid": "unix" },
                          "runtimes/win/lib/net8.0/Alpha.dll": { "assetType": "runtime", "rid": "win" },
                          "runtimes/linux-x64/native/libalpha.so": { "assetType": "native", "rid": "linux-x64" },
                          "runtimes/win-x64/native/alpha.dll": { "assetType": "native", "rid": "win-x64" }
                        }
                      },
                      "Beta/2.0.0": {
                        "type": "package",
                        "runtime": { "lib/net8.0/_._": {} }
                      },
                      "Local/1.0.0": { "type": "project" }
                    }
                  },
                  "libraries": {
                    "Alpha/1.0.0": { "type": "package", "path": "alpha/1.0.0" },
                    "Beta/2.0.0": { "type": "package", "path": "beta/2.0.0" },
                    "Local/1.0.0": { "type": "project", "path": "../Local/Local.csproj" }
                  },
                  "packageFolders": { "{{packages}}": {} }
                }
                """);

            var restored = PackageRestore.ReadAssets(assets);

            Assert.Equal(["Alpha", "Beta"], restored.Select(p => p.Name));
            var alpha = restored[0];
            Assert.Equal("1.0.0", alpha.Version);
            Assert.Equal(["Beta"], alpha.Dependencies);
            // On Linux x64 the unix-specific assembly replaces the portable one, and only linux-x64 natives apply.
            Assert.Equal([Path.Combine(packages, "alpha", "1.0.0", "runtimes", "unix", "lib", "net8.0", "Alpha.dll")], alpha.Assemblies);
            Assert.Equal([Path.Combine(packages, "alpha", "1.0.0", "runtimes", "linux-x64", "native")], alpha.NativeFolders);
            Assert.Empty(restored[1].Assemblies);
            Assert.Empty(restored[1].NativeFolders);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
