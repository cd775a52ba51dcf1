"""docs/rules.md, generated from rules/: the formats' tables, rows, columns and relations, and the
rule catalogue. Regenerate with `nianbao rules > docs/rules.md` (a test checks it is current)."""

from __future__ import annotations

from validator.rules import common, formats


def render() -> str:
    c = common()
    out = ["# 规则与格式 / Rules and formats", "",
           "_Generated from `rules/*.yaml` by `nianbao rules`; do not edit by hand._", ""]
    out += ["## 法定部分 / Sections", "", "| # | id | 标题 | 匹配 |", "|---|---|---|---|"]
    for s in c["sections"]:
        out.append(f"| {s['number']} | `{s['id']}` | {s['title']} | `{s['match']}` |")
    for fid, f in sorted(formats().items()):
        out += ["", f"## 格式 {fid}: {f.name_zh} / {f.name_en}", ""]
        out.append("识别标记 / detection markers: " + "; ".join(f"`{rx.pattern}` (+{w})" for rx, w in f.detect))
        for tid, t in f.tables.items():
            out += ["", f"### 表{t.number} {t.title} (`{tid}`)", "", "| row id | 标签 label | 匹配 match | columns | 备注 |", "|---|---|---|---|---|"]
            for r in t.rows:
                note = "非标准（接受并核对）" if r.nonstandard else ("可选" if r.optional else "")
                out.append(f"| `{r.id}` | {r.label} | `{r.match.pattern}` | {', '.join(r.columns)} | {note} |")
            out += ["", "| column id | 标签 label | type |", "|---|---|---|"]
            for cid, col in t.columns.items():
                out.append(f"| `{cid}` | {col['label']} | {col['type']} |")
        out += ["", "### 勾稽关系 / Relations", ""]
        for rel in f.relations:
            out.append(f"- **{rel['id']}** ({rel['table']}, each {rel['each']}): {rel['zh']} — {rel['en']}")
    out += ["", "## 规则目录 / Rule catalogue", "", "| id | category | severity | 说明 (zh) | text (en) | 依据 basis |", "|---|---|---|---|---|---|"]
    for rid, r in c["rules"].items():
        basis = c["legal_basis"].get(r.get("basis"), "格式文件 / the official format")
        zh = "<br>".join([r["zh"]] + [v for k, v in r.items() if k.startswith("zh_")])
        en = "<br>".join([r["en"]] + [v for k, v in r.items() if k.startswith("en_")])
        out.append(f"| {rid} | {r['category']} | {r['severity']} | {zh} | {en} | {basis} |")
    out += ["", "## 规则说明与示例 / What each rule checks, why, failing and passing examples", ""]
    for rid, r in c["rules"].items():
        if "fail" not in r:
            continue
        basis = c["legal_basis"].get(r.get("basis"), "格式文件 / the official format")
        out += [f"### {rid} — {r.get('title_zh', '')} / {r.get('title_en', '')}", "",
                f"- 类别 / category: `{r['category']}`, 级别 / severity: `{r['severity']}`",
                f"- 依据 / basis: {basis}",
                f"- 不通过 / failing: {r['fail']}",
                f"- 通过 / passing: {r['pass']}", ""]
    out += ["## 可调参数 / Parameters", "",
            "默认值；在 nianbao.toml 的 `[params.规则]` 中修改，见 docs/config.md。"
            " / Defaults; change them under `[params.RULE]` of nianbao.toml (docs/config.md).", ""]
    out += [f"- {rid}: " + ", ".join(f"`{k}` = {v}" for k, v in r["params"].items())
            for rid, r in c["rules"].items() if r.get("params")]
    return "\n".join(out) + "\n"
