namespace Phosphene;

/// <summary>An algorithm a <see cref="Registry{TSettings, T}"/> can list: its registry name and a one-line summary.</summary>
public interface IRegistered
{
    /// <summary>The registry name, e.g. <c>integrated-gradients</c>, <c>deletion</c>, <c>logistic</c>, <c>nmf</c>.</summary>
    string Name { get; }

    /// <summary>One line saying what it computes, with its defaults, for help texts and tables.</summary>
    string Summary { get; }
}
