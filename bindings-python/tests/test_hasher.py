"""The native Hasher and Digests: known answers, chunking, bytes-like inputs, a 64 MiB
stream, memory, the GIL, misuse."""

from __future__ import annotations

import array
import copy
import hashlib
import io
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
from conftest import NOTES

import intoto_verify
from intoto_verify import Digests, Hasher

# (input, sha256, sha384, sha512): FIPS 180-2 examples and the empty string.
KNOWN: List[Tuple[bytes, str, str, str]] = [
    (b"",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
    (b"abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    (b"a" * 1_000_000,
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
     "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
     "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"),
]


def reference(data: bytes) -> Digests:
    """The digests by Python's hashlib (an independent implementation)."""
    return Digests(hashlib.sha256(data).hexdigest(), hashlib.sha384(data).hexdigest(),
                   hashlib.sha512(data).hexdigest(), len(data))


def one_shot(data: Any) -> Digests:
    h = Hasher()
    h.update(data)
    return h.finalize()


@pytest.mark.parametrize("data,sha256,sha384,sha512", KNOWN, ids=["empty", "abc", "million-a"])
def test_known_answers(data: bytes, sha256: str, sha384: str, sha512: str) -> None:
    d = one_shot(data)
    assert (d.sha256, d.sha384, d.sha512, d.length) == (sha256, sha384, sha512, len(data))
    assert d == reference(data)


DATA = os.urandom((1 << 20) + 17)


@pytest.mark.parametrize("size", [1, 7, 64, 4096, 16 * 1024 - 1, 16 * 1024, 65536, 1 << 20])
def test_chunked_equals_one_shot(size: int) -> None:
    data = DATA if size >= 64 else DATA[:50_000]  # byte-at-a-time over 1 MiB is slow in Python
    h = Hasher()
    for i in range(0, len(data), size):
        h.update(data[i:i + size])
    assert h.length == len(data)
    assert h.finalize() == one_shot(data) == reference(data)


def test_irregular_chunks_and_empty_updates() -> None:
    h = Hasher()
    at, step = 0, 1
    while at < len(DATA):
        h.update(b"")
        h.update(DATA[at:at + step])
        at += step
        step = step * 3 % 100_003 + 1
    assert h.finalize() == reference(DATA)


@pytest.mark.parametrize("convert", [
    bytes, bytearray, memoryview,
    lambda b: memoryview(bytearray(b)),
    lambda b: array.array("B", b),
    lambda b: memoryview(b).cast("B", [len(b) // 4, 4]),
], ids=["bytes", "bytearray", "memoryview", "memoryview-of-bytearray", "array", "2d-view"])
def test_bytes_like_inputs(convert: Any) -> None:
    data = DATA[:1_000_000]
    assert one_shot(convert(data)) == reference(data)


def test_larger_than_a_block_from_a_bytearray() -> None:
    data = bytearray(os.urandom((3 << 20) + 5))  # copied out in 1 MiB blocks
    assert one_shot(data) == reference(bytes(data))
    data.extend(b"x")  # the buffer export was released: the bytearray can grow again
    assert one_shot(memoryview(data)[1::3]) == reference(bytes(data)[1::3])  # a strided view


def test_array_of_wider_items_is_hashed_as_its_bytes() -> None:
    a = array.array("I", range(100_000))
    assert one_shot(a) == reference(a.tobytes())


def test_misuse() -> None:
    h = Hasher()
    with pytest.raises(TypeError, match="encoded"):
        h.update("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes-like"):
        h.update(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        h.update(None)  # type: ignore[arg-type]
    h.update(b"abc")
    assert h.length == 3 and "length=3" in repr(h)
    d = h.finalize()
    assert d == reference(b"abc")
    for call in (lambda: h.update(b"x"), h.finalize, lambda: h.length):
        with pytest.raises(ValueError):
            call()
    assert "finalized" in repr(h)


def test_digests_object() -> None:
    d = one_shot(b"abc")
    assert d == Digests(d.sha256, d.sha384, d.sha512, 3)
    assert d != Digests(d.sha256, d.sha384, d.sha512, 4)
    assert hash(d) == hash(Digests(d.sha256, d.sha384, d.sha512, 3))
    assert d.to_digest_set() == {"sha256": d.sha256, "sha384": d.sha384, "sha512": d.sha512}
    assert repr(d).startswith('Digests(sha256="ba7816bf') and repr(d).endswith("length=3)")
    with pytest.raises(AttributeError):
        d.sha256 = "x"  # type: ignore[misc]
    assert type(d).__module__ == "intoto_verify" and intoto_verify.Digests is Digests
    assert pickle.loads(pickle.dumps(d)) == d  # e.g. returned from a multiprocessing worker
    assert copy.copy(d) == d


class Pattern(io.RawIOBase):
    """`size` bytes of a deterministic pattern, produced as read, never held whole."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = bytes(range(256)) * 4096  # 1 MiB
        self.offset = 0
        self.reads: List[int] = []

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        self.reads.append(n)
        assert n > 0, "read everything at once"
        n = min(n, self.left)
        out = bytearray()
        while len(out) < n:
            take = min(n - len(out), len(self.block) - self.offset)
            out += self.block[self.offset:self.offset + take]
            self.offset = (self.offset + take) % len(self.block)
        self.left -= n
        return bytes(out)

    def chunks(self, size: int) -> Iterator[bytes]:
        while True:
            c = self.read(size)
            if not c:
                return
            yield c


def test_a_64_mib_stream_in_small_chunks() -> None:
    size = 64 << 20
    ref = [hashlib.sha256(), hashlib.sha384(), hashlib.sha512()]
    for chunk in Pattern(size).chunks(1 << 20):
        for r in ref:
            r.update(chunk)
    stream = Pattern(size)
    start = time.perf_counter()
    d = intoto_verify.digest_artifact(stream, chunk_size=8192)
    elapsed = time.perf_counter() - start
    assert (d.sha256, d.sha384, d.sha512, d.length) == (*[r.hexdigest() for r in ref], size)
    assert len(stream.reads) == size // 8192 + 1 and max(stream.reads) == 8192
    NOTES.append(f"Hasher: 64 MiB in 8 KiB chunks in {elapsed:.2f} s "
                 f"({size / elapsed / (1 << 20):.0f} MiB/s for sha256+sha384+sha512)")


def test_a_file_is_streamed_not_read_whole(tmp_path: Path) -> None:
    """A 64 MiB file through digest_artifact(Path): the process's peak memory grows by far
    less than the file (measured in a fresh interpreter, with reading the file whole
    afterwards as the control that shows the measurement would see it). The peak is the
    process's VmHWM, which, unlike ru_maxrss, does not start at the parent's size."""
    if not Path("/proc/self/status").is_file():
        pytest.skip("needs /proc/self/status (Linux)")
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        for chunk in Pattern(64 << 20).chunks(1 << 20):
            f.write(chunk)
    probe = textwrap.dedent("""
        import sys
        from pathlib import Path
        import intoto_verify
        def peak():  # KiB
            status = Path("/proc/self/status").read_text()
            return int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
        before = peak()
        d = intoto_verify.digest_artifact(Path(sys.argv[1]))
        streamed = peak()
        whole = Path(sys.argv[1]).read_bytes()
        print(d.length, streamed - before, peak() - streamed)
    """)
    out = subprocess.run([sys.executable, "-c", probe, str(big)], capture_output=True,
                         text=True, check=True, timeout=120).stdout.split()
    length, streamed_kib, whole_kib = int(out[0]), int(out[1]), int(out[2])
    assert length == 64 << 20
    assert whole_kib > 48 * 1024, f"the control did not show: reading whole grew {whole_kib} KiB"
    assert streamed_kib < 16 * 1024, f"peak memory grew by {streamed_kib:.0f} KiB"
    NOTES.append(f"Hasher: digesting a 64 MiB file grew peak memory by {streamed_kib:.0f} KiB "
                 f"(reading it whole: {whole_kib:.0f} KiB)")


def test_threads_each_with_their_own_hasher() -> None:
    results: List[Digests] = []
    lock = threading.Lock()

    def work() -> None:
        h = Hasher()
        for i in range(0, len(DATA), 100_000):
            h.update(DATA[i:i + 100_000])
        with lock:
            results.append(h.finalize())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [reference(DATA)] * 4


def test_the_gil_is_released_while_hashing() -> None:
    data = bytes(48 << 20)
    attempts = []
    for _ in range(3):  # a busy machine can stall any thread; holding the GIL stalls all three
        start = time.perf_counter()
        one_shot(data)
        alone = time.perf_counter() - start
        ticks: List[float] = []
        worker = threading.Thread(target=one_shot, args=(data,))
        worker.start()
        while worker.is_alive():
            ticks.append(time.perf_counter())
            time.sleep(0.001)
        worker.join()
        ticks.append(time.perf_counter())
        stall = max(b - a for a, b in zip(ticks, ticks[1:]))
        attempts.append((round(alone, 3), round(stall, 3)))
        if stall < alone / 2:
            return
    pytest.fail(f"another thread stalled for most of the hashing (alone, stall): {attempts}")
