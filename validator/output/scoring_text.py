"""The score formula and the naming thresholds in words, from the configuration's values (the
`[scoring]` table; validator/batch/screening.py applies them), for every output that prints them."""

from __future__ import annotations

from validator.output.vocab import L, cat_name

_ORDER = ("missing_section", "broken_table", "arithmetic", "cross_year", "type")


def scoring_sentence(weights: dict, lang: str) -> str:
    en = L(lang) == "en"
    by_points: dict[int, list[str]] = {}
    for cat in [c for c in _ORDER if c in weights] + sorted(set(weights) - set(_ORDER) - {"other", "warning"}):
        by_points.setdefault(weights[cat], []).append(cat)
    if en:
        parts = [f"{' and '.join(cat_name(c, 'en').lower() for c in cats)}: {p} points per error"
                 for p, cats in by_points.items()]
        parts.append(f"any other error: {weights['other']}; each warning: {weights['warning']}")
        return ("Scores start at 100 and lose points for each open finding — " + "; ".join(parts)
                + ". Findings accepted in a review are not counted. Units without a report that could be checked "
                  "(no report, blank template, pre-2019 format, scan not read, unreadable) are not scored or ranked.")
    parts = [f"{'、'.join(cat_name(c, 'zh') for c in cats)}每处错误扣{p}分" for p, cats in by_points.items()]
    parts.append(f"其他错误每处扣{weights['other']}分，警告每处扣{weights['warning']}分")
    return ("得分满分100分：" + "；".join(parts) + "；经审核已接受的问题不扣分。未发现年度报告、空白模板、2019年以前旧格式、"
            "扫描件未识别或文件无法读取的，不计分、不排名。")


def naming_sentence(naming: dict, lang: str) -> str:
    if L(lang) == "en":
        return (f"Named as good: checked reports with no error and a score of at least {naming['good']}; named as "
                f"having many problems: reports with errors and a score of at most {naming['poor']}. Equal scores "
                "share a rank and are named together.")
    return (f"得分{naming['good']}分及以上且没有错误的单位列为较好；有错误且得分{naming['poor']}分及以下的单位列为问题较多。"
            "得分相同的单位排名相同，一并列出。")
