"""Notebook parameters as Jupyter users know them (papermill's convention), for run_notebooks.py.

A notebook declares its parameters in one code cell tagged `parameters`, one C# declaration per line with a literal:

    int epochs = 5;              // training epochs
    double overlap = 0.5;
    string variant = "feedforward";

The values there are the quick scale, what CI runs. A notebook may also give other scales in its metadata,
`phosphene.scales.NAME = {"values": {"epochs": 30, ...}, "note": "what differs from the paper, and why"}`.
The runner puts the values it was asked for (`--scale NAME`, then `-p name=value`, which wins) into a new cell tagged
`injected-parameters` right after the parameters cell, as C# declarations of the same types (C# scripts may declare a
name again: the later one is the one later cells see), so the executed notebook shows the values it ran with.
"""
import json
import re

import nbformat

DECLARATION = re.compile(r"^\s*(var|int|long|double|float|bool|string)\s+([A-Za-z_]\w*)\s*=\s*(.+?)\s*;\s*(?://.*)?$")


class ParameterError(Exception):
    """A parameter the runner cannot apply: the message names the notebook, the parameter and the fix."""


def parameters_cell(notebook):
    """The notebook's code cell tagged `parameters`, or None."""
    return next((c for c in notebook.cells
                 if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])), None)


def declared(notebook, name):
    """{parameter: (C# type, literal as written)} of the notebook's parameters cell, in order ({} without one)."""
    cell = parameters_cell(notebook)
    if cell is None:
        return {}
    found = {}
    for number, line in enumerate(cell.source.splitlines(), start=1):
        if not line.strip() or line.strip().startswith("//"):
            continue
        match = DECLARATION.match(line)
        if match is None:
            raise ParameterError(f"{name}: line {number} of the parameters cell is not a declaration with a literal "
                                 f"('int epochs = 5;'): {line.strip()}")
        kind, parameter, literal = match.groups()
        found[parameter] = (infer(literal) if kind == "var" else kind, literal)
    return found


def infer(literal):
    """The C# type of a literal, for `var` declarations."""
    if literal.startswith('"'):
        return "string"
    if literal in ("true", "false"):
        return "bool"
    if re.fullmatch(r"-?[\d_]+[lL]", literal):
        return "long"
    if re.fullmatch(r"-?[\d_]+", literal):
        return "int"
    return "float" if literal[-1] in "fF" else "double"


def csharp_literal(kind, value, where):
    """value (text from -p, or a JSON value from a scale) as a C# literal of kind; ParameterError if it is not one."""
    text = value if isinstance(value, str) else json.dumps(value)
    if kind == "string":
        return json.dumps(value if isinstance(value, str) else text, ensure_ascii=False)
    if kind == "bool":
        if text.lower() in ("true", "false"):
            return text.lower()
        raise ParameterError(f"{where}: a bool takes true or false, not '{text}'")
    if kind in ("int", "long"):
        if re.fullmatch(r"-?\d+", text.replace("_", "")):
            number = int(text.replace("_", ""))
            limit = 2**31 if kind == "int" else 2**63
            if -limit <= number < limit:
                return f"{number}L" if kind == "long" else str(number)
            raise ParameterError(f"{where}: {number} does not fit an {kind}")
        raise ParameterError(f"{where}: an {kind} takes a whole number, not '{text}'")
    try:
        number = float(text)
    except ValueError:
        raise ParameterError(f"{where}: a {kind} takes a number, not '{text}'") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParameterError(f"{where}: a {kind} takes a finite number, not '{text}'")
    return repr(number) + ("f" if kind == "float" else "")


def apply(notebook, name, scale, overrides):
    """Injects the values of `scale` (None: the notebook's own) and of `overrides` ({name: text}, only those the
    notebook declares) after its parameters cell. Returns {"scale": ..., "note": ..., "values": {parameter: {"value":
    literal, "from": "notebook" | "scale NAME" | "-p"}}} for the executed notebook's metadata."""
    parameters = declared(notebook, name)
    scales = notebook.metadata.get("phosphene", {}).get("scales", {})
    note = None
    chosen = {}
    if scale not in (None, "quick"):
        if scale not in scales:
            note = f"no {scale} scale declared: runs at the quick scale"
        else:
            note = scales[scale].get("note")
            for parameter, value in scales[scale].get("values", {}).items():
                if parameter not in parameters:
                    raise ParameterError(f"{name}: its {scale} scale sets '{parameter}', which its parameters cell does not declare")
                chosen[parameter] = (value, f"scale {scale}")
    for parameter, value in overrides.items():
        if parameter in parameters:
            chosen[parameter] = (value, "-p")
    values = {p: {"value": literal, "from": "notebook"} for p, (_, literal) in parameters.items()}
    lines = []
    for parameter, (value, origin) in chosen.items():
        kind = parameters[parameter][0]
        literal = csharp_literal(kind, value, f"{name}: {parameter} ({kind}, {origin})")
        values[parameter] = {"value": literal, "from": origin}
        lines.append(f"{kind} {parameter} = {literal};")
    if lines:
        header = f"// Injected by run_notebooks.py ({', '.join(sorted({o for _, o in chosen.values()}))})"
        if note:
            header += f"\n// {note}"
        cell = parameters_cell(notebook)
        injected = nbformat.v4.new_code_cell(header + "\n" + "\n".join(lines), metadata={"tags": ["injected-parameters"]})
        notebook.cells.insert(notebook.cells.index(cell) + 1, injected)
    return {"scale": scale or "quick", "note": note, "values": values}
