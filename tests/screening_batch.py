"""A screening batch made of our own samples (tests of issue 11): three report years (2022–2024), a
government, departments and townships, one unit under two names (青禾县人民政府 / 青禾市青禾县人民政府
/ 青禾县人民政府办公室), a blank template, a pre-2019 report, a README that is no report, a tie (财政局
and 统计局 both 88), and units of the manifest without a report of 2024.

The 2024 reports are listed in a manifest; the earlier ones lie in a folder with no manifest, so
that their units come from the reports' own names."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SAMPLES

GOV = "青禾县人民政府"


def _sample(name: str, organ: str = GOV, year: int = 2024) -> str:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    text = text.replace("2025年", f"{year + 1}年").replace("2024", str(year))
    first, rest = text.split("\n", 1)
    return first.replace(GOV, organ, 1) + "\n" + rest


def _blank_template() -> str:
    text = _sample("clean_2021.txt", "青禾县民政局")
    a, b = text.index("第二十条第（一）项"), text.index("五、存在的主要问题及改进情况")
    body = re.sub(r"(?<=\t)[\d.,-]+|^[\d.,-]+(?=\t)", "", text[a:b], flags=re.M)
    return text[:a] + body + text[b:]


def _pre_2019() -> str:
    text = _sample("clean_2021.txt", "青禾县档案局", 2017)
    return re.sub(r"第二十条第（[一五六八]）项[\s\S]*?(?=三、收到和处理)", "政府信息公开情况统计表\n指标名称\t计量单位\t本年度\t历年累计\n",
                  text)


# (unit, parent, level, file, text or None when the file is missing)
MANIFEST_2024 = [
    (GOV, "青禾市人民政府", "government", "gov_2024.txt", lambda: _sample("clean_2021.txt")),
    ("青禾县教育局", GOV, "department", "edu_2024.txt", lambda: _sample("defect_single_wrong_cell.txt", "青禾县教育局")),
    ("青禾县司法局", GOV, "department", "justice_2024.txt",
     lambda: _sample("defect_wrong_total_appeals.txt", "青禾县司法局")),
    ("青禾县财政局", GOV, "department", "finance_2024.txt", lambda: _sample("defect_missing_section.txt", "青禾县财政局")),
    ("青禾县民政局", GOV, "department", "template_2024.txt", _blank_template),
    # 88 each (a missing section / a table cut short, and the late signature): a tie among the poor.
    ("青禾县统计局", GOV, "department", "stats_2024.txt", lambda: _sample("defect_truncated_table.txt", "青禾县统计局")),
    ("青禾县农业农村局", GOV, "department", "agri_2024.txt", lambda: _sample("defect_slash_cells.txt", "青禾县农业农村局")),
    ("城关镇人民政府", GOV, "乡镇街道", "chengguan_2024.txt", lambda: _sample("defect_blank_cells.txt", "城关镇人民政府")),
    ("城南街道办事处", GOV, "乡镇街道", "chengnan_2024.txt", None),
]
EARLIER = {
    "gov_2023.txt": lambda: _sample("clean_2021.txt", "青禾市青禾县人民政府", 2023),
    "gov_2022.txt": lambda: _sample("defect_misnumbered_section.txt", "青禾县人民政府办公室", 2022),
    "edu_2023.txt": lambda: _sample("defect_two_wrong_cells.txt", "青禾县教育局", 2023),
    "archives_2017.txt": _pre_2019,
    "README.md": lambda: "# 说明\n\n本文件夹存放各单位报送的年度报告，请勿修改文件名。\n",
}
# A unit of the manifest listed with an earlier year only: expected in 2024 too.
MANIFEST_EARLIER = [("青禾县交通运输局", GOV, "department", 2022, "transport_2022.txt",
                     lambda: _sample("clean_2019.txt", "青禾县交通运输局", 2022).replace("2020", "2022"))]


def write(root: Path) -> list[Path]:
    """The batch's inputs: the manifest and the folder of earlier reports."""
    reports = root / "reports"
    earlier = root / "earlier"
    reports.mkdir(parents=True)
    earlier.mkdir()
    lines = ["单位,上级单位,层级,年度,文件"]
    for unit, parent, level, name, make in MANIFEST_2024:
        lines.append(f"{unit},{parent},{level},2024,{name}")
        if make:
            (reports / name).write_text(make(), encoding="utf-8")
    for unit, parent, level, year, name, make in MANIFEST_EARLIER:
        lines.append(f"{unit},{parent},{level},{year},{name}")
        (reports / name).write_text(make(), encoding="utf-8")
    manifest = reports / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, make in EARLIER.items():
        (earlier / name).write_text(make(), encoding="utf-8")
    return [manifest, earlier]
