#!/usr/bin/env python3
"""Export a PyTorch state dict in TorchSharp's format, for Phosphene.Models.PyTorchWeights.Load (C#).

TorchSharp cannot read torch.save's pickles; it reads a simple format of its own (the one Module.save writes):

    entry count                      unsigned LEB128
    per entry, in state_dict order:
        key                          LEB128 byte length, then the UTF-8 bytes (a .NET BinaryWriter string)
        element type                 LEB128 ScalarType code: 0 uint8, 1 int8, 2 int16, 3 int32, 4 int64,
                                     5 float16, 6 float32, 7 float64, 11 bool, 15 bfloat16
        rank, then each dimension    LEB128 each
        data                         the elements, contiguous, row-major, little-endian

Use from Python (needs only torch; no leb128 package):

    from export_state_dict import save_state_dict
    save_state_dict(model.state_dict(), "model.bin")

or convert a file written by torch.save (a state dict, or a whole module):

    python3 export_state_dict.py --pth model.pth --out model.bin

then in C#:

    var model = ModelZoo.FromPyTorch("cnn", "model.bin");            // a zoo architecture, or
    PyTorchWeights.Load(myModule, "model.bin");                      // any module with the same keys

Keys must equal the C# module's state-dict keys; the zoo's twins in phosphene_zoo.py have the same layer paths.
"""
import argparse
import sys

import torch

# torch dtype -> TorchSharp ScalarType code (the c10::ScalarType enumeration).
ELEMENT_TYPES = {
    torch.uint8: 0,
    torch.int8: 1,
    torch.int16: 2,
    torch.int32: 3,
    torch.int64: 4,
    torch.float16: 5,
    torch.float32: 6,
    torch.float64: 7,
    torch.bool: 11,
    torch.bfloat16: 15,
}


def write_leb128(stream, value):
    """Writes a non-negative integer as unsigned LEB128: 7 bits per byte, low bits first, high bit = more follow."""
    if value < 0:
        raise ValueError(f"LEB128 needs a non-negative integer, got {value}")
    while True:
        byte = value & 0x7F
        value >>= 7
        if value == 0:
            stream.write(bytes([byte]))
            return
        stream.write(bytes([byte | 0x80]))


def write_string(stream, text):
    """Writes a string as .NET's BinaryWriter does: LEB128 length in bytes, then UTF-8."""
    data = text.encode("utf-8")
    write_leb128(stream, len(data))
    stream.write(data)


def write_tensor(stream, tensor, key="tensor"):
    """Writes one tensor: element type, rank, dimensions, then its contiguous little-endian bytes."""
    if tensor.dtype not in ELEMENT_TYPES:
        raise TypeError(f"state dict entry '{key}' has dtype {tensor.dtype}, which TorchSharp's format does not support")
    tensor = tensor.detach().cpu().contiguous()
    write_leb128(stream, ELEMENT_TYPES[tensor.dtype])
    write_leb128(stream, tensor.dim())
    for size in tensor.shape:
        write_leb128(stream, size)
    if tensor.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the same 2-byte patterns as int16.
        tensor = tensor.view(torch.int16)
    data = tensor.numpy()
    if sys.byteorder != "little":
        data = data.byteswap()
    stream.write(data.tobytes())


def save_state_dict(state_dict, destination):
    """Writes a state dict (an ordered mapping of key -> tensor) to a path or a binary stream."""
    if isinstance(destination, (str, bytes)) or hasattr(destination, "__fspath__"):
        with open(destination, "wb") as stream:
            save_state_dict(state_dict, stream)
        return
    write_leb128(destination, len(state_dict))
    for key, tensor in state_dict.items():
        write_string(destination, key)
        write_tensor(destination, tensor, key)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert a torch.save file (state dict or module) to TorchSharp's format.")
    parser.add_argument("--pth", required=True, help="file written by torch.save: a state dict or a whole nn.Module")
    parser.add_argument("--out", required=True, help="TorchSharp state dict to write")
    parser.add_argument("--strip-prefix", default="", help="remove this prefix from every key (e.g. 'module.')")
    args = parser.parse_args(argv)

    loaded = torch.load(args.pth, map_location="cpu")
    state_dict = loaded.state_dict() if isinstance(loaded, torch.nn.Module) else loaded
    if not isinstance(state_dict, dict):
        parser.error(f"{args.pth} holds a {type(loaded).__name__}, not a state dict or a module")
    if args.strip_prefix:
        state_dict = {(k[len(args.strip_prefix):] if k.startswith(args.strip_prefix) else k): v
                      for k, v in state_dict.items()}
    save_state_dict(state_dict, args.out)
    print(f"wrote {len(state_dict)} entries to {args.out}")


if __name__ == "__main__":
    main()
