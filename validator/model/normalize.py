"""Text normalisation shared by labels in rules/ and text from documents (both sides alike)."""

from __future__ import annotations

import re
import unicodedata

# NFKC folds full-width digits/punctuation and Kangxi radicals (⼀ → 一); a few CJK-radical
# supplement look-alikes it leaves alone are folded here.
_EXTRA = str.maketrans({"\u2e8f": "立", "\u2ed1": "长", "\u2ee8": "麦", "\u2ec4": "西", "\u2eb6": "羊",
                        "\u2e9d": "月", "\u2ea0": "民"})


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s.translate(_EXTRA))
    # NFKC turns （ into (; fold both to the CJK form so rules can write （七） literally.
    return s.replace("(", "（").replace(")", "）").replace("\u00a0", " ").replace("\u3000", " ")


def norm_pattern(p: str) -> str:
    """NFKC for the CJK parts of a regex from rules/, keeping ASCII regex syntax intact and the
    full-width brackets that norm() produces in text."""
    out = []
    for ch in p.translate(_EXTRA):
        if ord(ch) < 128 or ch in "（）":
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


_CJK_CLASS = r"[\u3400-\u9fff\uf900-\ufaff“”‘’、，。：；（）《》]"
_SPACE_IN_CJK = re.compile(rf"(?<={_CJK_CLASS})[ \t]+(?={_CJK_CLASS})")


def squeeze_cjk_spaces(s: str) -> str:
    """'政府 信息' → '政府信息': spaces inside CJK words come from PDF text and justified layout."""
    return _SPACE_IN_CJK.sub("", s)
