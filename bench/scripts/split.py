"""The fixed dev / held-out split the Python reference scripts share with `trafilatura_eval`."""


def held_out(name: str) -> bool:
    """Whether the page of file name `name` is held out: the FNV-1a 64-bit hash of it is odd."""
    h = 0xCBF29CE484222325
    for b in name.encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h & 1 == 1
