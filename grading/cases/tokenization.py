"""Differential cases of tt-tokenization (module 13): tokenizers' ids, merges, batches, files.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Texts and token bytes are
returned as their UTF-8 bytes, id lists as int64 arrays. Training is on a
small built-in corpus (a few hundred merges at most), so every case is fast.
Files are written into a temporary folder. Public API only:
tinytorch.tokenization and tinytorch.tensor.
"""

import numpy as np

CORPUS = """\
:kluge: /klooj/ n. A clever programming trick intended to solve a particular
nasty case in an expedient, if not clear, manner. Often used to repair bugs.
:hack: n. 1. Originally, a quick job that produces what is needed, but not well.
2. An incredibly good, and perhaps very time-consuming, piece of work that
produces exactly what is needed. The hacker hacked the hack; the hackers' hacks
were hacked again and again, 1999 times, then 2018 times.
<|endoftext|>:foo: /foo/ 1. interj. Term of disgust. 2. [very common] Used as a
sample name for absolutely anything, esp. programs and files (esp. scratch files).
Unicode: café, naïve, déjà vu, Ærøskøbing, 日本語のテキスト, 日本語, emoji 🙂🙂 and 🚀,
Ελληνικά, кириллица; snake_case__names and tabs\tand  spaces. We'll see, it's done.
<|endoftext|>"""

SPECIALS = ["<|endoftext|>", "<pad>"]
HELD_OUT = ("The hacker's kluge: a quick hack, 42 times; naïve café code in 日本, "
            "then 🙂 again.\n\n  Indented   text\twith tabs.")
BATCH = ["hack", "a clever kluge, the hack", "", "the hacker's job"]


def _text(value):
    """A string (or a list of them, joined by '|') as a uint8 array of its UTF-8 bytes."""
    text = value if isinstance(value, str) else "|".join(value)
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _ids(ids):
    """A list of token ids as an int64 array (also when empty)."""
    return np.array([int(i) for i in ids], dtype=np.int64)


def _merges(tok):
    return np.array(tok.merges, dtype=np.int64).reshape(-1, 2)


def _trained(vocab_size=256 + 2 + 120, pad=None):
    """A BPETokenizer trained on CORPUS with the two special tokens."""
    from tinytorch.tokenization import BPETokenizer

    return BPETokenizer().train(CORPUS, vocab_size, special_tokens=SPECIALS, pad_token=pad)


def _random_text(rng, n):
    """n pieces drawn from an alphabet of ASCII, spaces, punctuation and multi-byte text."""
    alphabet = ["a", "a", "b", " ", " ", "c", "ab", "\n", ",", ".", "é", "日", "\U0001f642",
                "aa", "'s", "7"]
    return "".join(rng.choice(alphabet, size=n))


def case_pretokenize_chunks(rng):
    """pretokenize: GPT-2's chunks (words with their space, numbers, punctuation, whitespace)."""
    from tinytorch.tokenization import pretokenize

    texts = {"hello": "Hello world, it's 2018!", "spaces": "a  b end.  ", "lines": "x\n\ny",
             "snake": "snake_case abc123 ...!?", "unicode": "café 日本語 we'll",
             "empty": "", "random": _random_text(rng, 300)}
    out = {}
    for name, text in texts.items():
        chunks = pretokenize(text)
        out[f"{name}_lengths"] = _ids([len(c) for c in chunks])
        out[f"{name}_joined"] = _text(chunks)
    return out


def case_char_from_text(rng):
    """CharTokenizer.from_text: sorted distinct characters, ids of its text, decode back."""
    from tinytorch.tokenization import CharTokenizer

    tok = CharTokenizer.from_text(CORPUS)
    ids = tok.encode(CORPUS)
    small = CharTokenizer.from_text("hello, world")
    return {"vocab": _ids(map(ord, tok.vocab)), "vocab_size": tok.vocab_size, "len": len(tok),
            "ids": _ids(ids), "decoded": _text(tok.decode(ids)),
            "small_vocab": _text(small.vocab), "hold": _ids(small.encode("hold"))}


def case_char_given_vocab_and_id_inputs(rng):
    """CharTokenizer(vocab) keeps its order; decode takes lists, NumPy arrays and Tensors."""
    from tinytorch.tensor import Tensor
    from tinytorch.tokenization import CharTokenizer

    tok = CharTokenizer(["z", "a", "é", "日"])
    ids = rng.integers(0, 4, size=12)
    return {"encode": _ids(tok.encode("aé日z")), "empty": _ids(tok.encode("")),
            "list": _text(tok.decode(ids.tolist())), "array": _text(tok.decode(ids)),
            "tensor": _text(tok.decode(Tensor(ids.astype(np.int64)))),
            "decode_empty": _text(tok.decode([]))}


def case_char_unknown_character(rng):
    """CharTokenizer.from_text('abc').encode('abé') raises UnknownTokenError."""
    from tinytorch.tokenization import CharTokenizer

    CharTokenizer.from_text("abc").encode("abé")


case_char_unknown_character.raises = "UnknownTokenError"


def case_bpe_untrained_is_bytes(rng):
    """An untrained BPETokenizer: 256 tokens, ids are the UTF-8 bytes, decode joins them."""
    from tinytorch.tokenization import BPETokenizer

    tok = BPETokenizer()
    text = "é! 日本 🙂 plain"
    ids = tok.encode(text)
    return {"ids": _ids(ids), "decoded": _text(tok.decode(ids)), "vocab_size": tok.vocab_size,
            "merges": _merges(tok), "cut_char": _text(tok.decode(tok.encode("日")[:2]))}


def case_bpe_train_by_hand(rng):
    """train on tiny texts: the Wikipedia example, the smallest-ids tie rule, early stop."""
    from tinytorch.tokenization import BPETokenizer

    wiki = BPETokenizer().train("aaabdaaabac", 259)
    ties = BPETokenizer().train("abcd", 259)
    reverse = BPETokenizer().train("dcba", 257)
    stop = BPETokenizer().train("ab ab ab", 1000)
    return {"wiki": _merges(wiki), "wiki_vocab": _text([t.hex() for t in wiki.vocab[256:]]),
            "wiki_ids": _ids(wiki.encode("aaabdaaabac")), "ties": _merges(ties),
            "reverse": _merges(reverse), "stop": _merges(stop),
            "stop_size": stop.vocab_size, "stop_ids": _ids(stop.encode("ab ab ab"))}


def case_bpe_train_corpus(rng):
    """train on a corpus with two special tokens: merges, vocab bytes, ids, held-out encoding."""
    tok = _trained()
    return {"merges": _merges(tok), "vocab": _text([t.hex() for t in tok.vocab]),
            "vocab_size": tok.vocab_size, "len": len(tok),
            "specials": _ids(tok.special_tokens[t] for t in SPECIALS),
            "corpus_ids": _ids(tok.encode(CORPUS)), "held_out": _ids(tok.encode(HELD_OUT))}


def case_bpe_train_reference_agrees(rng):
    """train and train_reference learn the same merges on random text (runs of 'a' included)."""
    from tinytorch.tokenization import BPETokenizer

    text = _random_text(rng, 1500) + " " + "a" * 41 + " aaa" * 9
    fast = BPETokenizer().train(text, 256 + 1 + 80, special_tokens=["<pad>"])
    slow = BPETokenizer().train_reference(text, 256 + 1 + 80, special_tokens=["<pad>"])
    return {"fast": _merges(fast), "slow": _merges(slow), "ids": _ids(fast.encode(text))}


def case_bpe_special_tokens(rng):
    """Special tokens encode atomically (longest first, never from pieces); skip on decode."""
    from tinytorch.tokenization import BPETokenizer

    tok = _trained()
    text = "abc<|endoftext|>def<pad><|endoftext|> the hack<|endofte<|endoftext|>xt|>"
    ids = tok.encode(text)
    nested = BPETokenizer(special_tokens=["<a>", "<a><b>"])
    return {"ids": _ids(ids), "decoded": _text(tok.decode(ids)),
            "skipped": _text(tok.decode(ids, skip_special_tokens=True)),
            "partial": _ids(tok.encode("<|endoftext")),
            "longest": _ids(nested.encode("<a><b><a>x"))}


def case_bpe_round_trip_unicode(rng):
    """decode(encode(s)) == s for random Unicode (no surrogates) mixed with special tokens."""
    tok = _trained()
    out = {}
    for k in range(6):
        points = rng.integers(0, 0x110000, size=int(rng.integers(1, 30)))
        points = points[(points < 0xD800) | (points > 0xDFFF)]
        text = "".join(map(chr, points)) + " the hack<|endoftext|>é日🙂\x00\ufeff"
        ids = tok.encode(text)
        out[f"ids{k}"] = _ids(ids)
        out[f"same{k}"] = tok.decode(ids) == text
    return out


def case_bpe_decode_inputs(rng):
    """BPETokenizer.decode of a list, an int array and an int64 Tensor of the same ids."""
    from tinytorch.tensor import Tensor

    tok = _trained()
    ids = tok.encode(HELD_OUT)
    return {"list": _text(tok.decode(ids)), "array": _text(tok.decode(np.array(ids))),
            "tensor": _text(tok.decode(Tensor(np.array(ids, dtype=np.int64)))),
            "random": _text(tok.decode(rng.integers(0, 256 + 120, size=40)))}


def case_bpe_decode_unknown_id(rng):
    """decode of encoded ids with vocab_size appended raises UnknownTokenError."""
    tok = _trained()
    tok.decode([*tok.encode("hack"), tok.vocab_size])


case_bpe_decode_unknown_id.raises = "UnknownTokenError"


def case_train_empty_text(rng):
    """train on a text of special tokens only raises TokenizerError (nothing to learn from)."""
    from tinytorch.tokenization import BPETokenizer

    BPETokenizer().train("<eot><eot>", 300, special_tokens=["<eot>"])


case_train_empty_text.raises = "TokenizerError"


def case_encode_batch_padding(rng):
    """encode_batch: padding to the longest (right, left), to max_length with truncation."""
    tok = _trained(pad="<pad>")
    longest = tok.encode_batch(BATCH, padding=True)
    left = tok.encode_batch(BATCH, padding="longest", padding_side="left")
    cut = tok.encode_batch(BATCH, padding="max_length", max_length=3, truncation=True)
    wide = tok.encode_batch(BATCH, padding="max_length", max_length=12)
    ids, mask = longest
    return {"ids": ids, "mask": mask, "left_ids": left.input_ids,
            "left_mask": left.attention_mask, "cut_ids": cut.input_ids,
            "cut_mask": cut.attention_mask, "wide_ids": wide.input_ids,
            "wide_mask": wide.attention_mask, "pad_id": tok.pad_token_id,
            "longest_capped": tok.encode_batch(BATCH, padding=True, max_length=2,
                                               truncation=True).input_ids}


def case_encode_batch_without_padding(rng):
    """encode_batch without padding: equal lengths stack; truncation alone cuts to max_length."""
    tok = _trained()
    same = tok.encode_batch(["hack", "hack"])
    cut = tok.encode_batch(BATCH[:2], truncation=True, max_length=1)
    return {"ids": same.input_ids, "mask": same.attention_mask, "cut_ids": cut.input_ids,
            "cut_mask": cut.attention_mask, "no_pad": tok.pad_token_id is None}


def case_encode_batch_different_lengths(rng):
    """encode_batch of texts of different lengths without padding raises TokenizerError."""
    _trained().encode_batch(BATCH)


case_encode_batch_different_lengths.raises = "TokenizerError"


def case_encode_batch_longer_than_max_length(rng):
    """padding='max_length' with a text longer than max_length, no truncation: TokenizerError."""
    _trained(pad="<pad>").encode_batch(BATCH, padding="max_length", max_length=3)


case_encode_batch_longer_than_max_length.raises = "TokenizerError"


def case_save_load_round_trip(rng):
    """save then load (BPE and Char): the same merges, specials, pad token, vocab and ids."""
    import json
    import os
    import tempfile

    from tinytorch.tokenization import BPETokenizer, CharTokenizer

    tok = _trained(pad="<pad>")
    chars = CharTokenizer.from_text(CORPUS)
    with tempfile.TemporaryDirectory() as tmp:
        path, char_path = os.path.join(tmp, "bpe.json"), os.path.join(tmp, "chars.json")
        tok.save(path)
        chars.save(char_path)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        back, char_back = BPETokenizer.load(path), CharTokenizer.load(char_path)
        files = sorted(os.listdir(tmp))
    return {"merges": _merges(back), "file_merges": _ids(np.ravel(data["merges"])),
            "specials": _text(list(back.special_tokens)), "pad": _text(back.pad_token),
            "pad_id": back.pad_token_id, "ids": _ids(back.encode(HELD_OUT)),
            "char_ids": _ids(char_back.encode(CORPUS)), "files": _text(files)}


def case_load_invalid_merges(rng):
    """Loading a saved tokenizer whose merge uses a later id raises TokenizerFileError."""
    import json
    import os
    import tempfile

    from tinytorch.tokenization import BPETokenizer

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bpe.json")
        _trained().save(path)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        data["merges"][1] = [256 + 5, 97]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)
        BPETokenizer.load(path)


case_load_invalid_merges.raises = "TokenizerFileError"


def case_chars_per_token(rng):
    """chars_per_token of CharTokenizer, an untrained and a trained BPE on several texts."""
    from tinytorch.tokenization import BPETokenizer, CharTokenizer, chars_per_token

    tok = _trained()
    return np.array([chars_per_token(CharTokenizer.from_text("abc"), "abcabc"),
                     chars_per_token(BPETokenizer(), "ascii"),
                     chars_per_token(BPETokenizer(), "éé"),
                     chars_per_token(BPETokenizer().train("ab ab ab", 1000), "ab ab ab"),
                     chars_per_token(tok, CORPUS), chars_per_token(tok, HELD_OUT)])
