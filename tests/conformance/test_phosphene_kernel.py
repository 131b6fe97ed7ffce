"""Jupyter protocol conformance of the Phosphene C# kernel (jupyter_kernel_test).

Run with the kernelspec on JUPYTER_PATH, e.g. (the xunit test ConformanceSuiteTests does exactly this):
    dotnet path/to/Phosphene.Kernel.dll install --prefix /tmp/spec
    JUPYTER_PATH=/tmp/spec/share/jupyter /usr/bin/python3 -m unittest -v test_phosphene_kernel
"""
import unittest

import jupyter_kernel_test


class PhospheneKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "phosphene-csharp"
    language_name = "csharp"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("to stderr");'

    completion_samples = [
        {"text": "Console.WriteL", "matches": {"WriteLine"}},
        {"text": "var someLongName = 1; someLong", "matches": {"someLongName"}},
        {"text": "Math.Sq", "matches": {"Sqrt"}},
        {"text": "%timei", "matches": {"timeit"}},
    ]

    complete_code_samples = ["1 + 1", "var x = 1;", "for (int i = 0; i < 3; i++) { }", "Console.WriteLine(\"a\");"]
    incomplete_code_samples = ["if (true) {", "Console.WriteLine(", "var s = \"\"\"\nabc"]
    invalid_code_samples = ["int = 3;", "}", "int x = ;", "Console.WriteLine(1));"]

    code_page_something = "Console.WriteLine?"

    code_generate_error = 'throw new InvalidOperationException("boom");'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "\"a\" + \"b\"", "result": "ab"},
        {"code": "new[] { 1, 2, 3 }", "result": "int[](3) { 1, 2, 3 }"},
    ]

    code_display_data = [
        {"code": "display(42);", "mime": "text/plain"},
        {"code": "display(new HtmlContent(\"<b>bold</b>\"));", "mime": "text/html"},
        {"code": "display(torch.zeros(1, 8, 8));", "mime": "image/png"},
    ]

    code_history_pattern = "1 + ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Console.WriteLine"

    code_clear_output = "clear_output();"


if __name__ == "__main__":
    unittest.main()
