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
    out += ["", "## 类别与级别 / Categories and severities", "", "| id | 中文 | English |", "|---|---|---|"]
    out += [f"| `{x['id']}` | {x['zh']} | {x['en']} |" for x in c.get("categories", []) + c.get("severities", [])]
    out += _catalogue(c)
    return "\n".join(out) + "\n"


def _catalogue(c: dict) -> list[str]:
    from validator.registry import categories, emitters, registry

    cats = categories()
    by = {rid: mod for mod, rules in reversed(list(emitters().items())) for rid in rules}
    out = ["", "## 规则目录 / Rule catalogue", "",
           "Each rule is declared once in `rules/*.yaml` (the registry, `validator/registry.py`); the module that "
           "emits it declares it in its `RULES`; its executable failing and passing cases are in "
           "`tests/rule_cases.yaml`.", "",
           "| id | category | severity | scope | 说明 (zh) | text (en) | 依据 basis |", "|---|---|---|---|---|---|---|"]
    reg = registry()
    for rid, r in reg.items():
        basis = c["legal_basis"].get(r.basis, "格式文件 / the official format")
        zh = "<br>".join([r.zh] + [z for z, _ in r.variants.values()])
        en = "<br>".join([r.en] + [e for _, e in r.variants.values()])
        out.append(f"| {rid} | {r.category} | {r.severity} | {r.scope} | {zh} | {en} | {basis} |")
    out += ["", "## 规则说明与示例 / What each rule checks, why, failing and passing examples", ""]
    for rid, r in reg.items():
        basis = c["legal_basis"].get(r.basis, "格式文件 / the official format")
        cat = cats[r.category]
        out += [f"### {rid} — {r.title_zh} / {r.title_en}", "",
                f"- 类别 / category: {cat['zh']} / {cat['en']} (`{r.category}`), 级别 / severity: `{r.severity}`, "
                f"范围 / scope: `{r.scope}`",
                f"- 依据 / basis: {basis}",
                f"- 声明 / declared: `rules/{r.source}`; 实现 / emitted by: `{by.get(rid, '—')}`"]
        if r.params:
            out.append("- 参数 / parameters: " + ", ".join(f"`{k}` = {v}" for k, v in r.params.items()))
        if r.fail:
            out.append(f"- 不通过 / failing: {r.fail}")
        if r.pass_:
            out.append(f"- 通过 / passing: {r.pass_}")
        out.append("")
    return out
