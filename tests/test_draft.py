"""Strategy drafts: the sections read like a council strategy, every figure comes from the assessment,
and the Markdown, HTML and Word files are what an officer can paste, publish and restyle."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE, hartlepool_like, write_mye_workbook
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.config import load_config
from needsassess.errors import ConfigError
from needsassess.pipeline import run_assessment, write_outputs
from needsassess.report.draft import (
    DraftError,
    DraftOptions,
    build_context,
    framing_for,
    render_html,
    render_markdown,
    render_section,
    section_ids,
    write_draft,
)
from needsassess.report.draft.context import SECTIONS

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "golden"
TEMPLATES = REPO / "templates"


@pytest.fixture(scope="module")
def sample_assessment():
    return run_assessment(load_config(SAMPLE / "assessment.toml"))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample assessment, so outputs go to a temporary folder."""
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target / "assessment.toml"


def _config(folder: Path, area: str, extra: str = "") -> Path:
    """An assessment of one area (Hartlepool-like population) with only the sections given."""
    female, male = hartlepool_like()
    write_mye_workbook(folder / "mye2.xlsx", [(area, "Testshire", female, male)])
    path = folder / "assessment.toml"
    path.write_text(
        f'[assessment]\ntitle = "Test assessment"\narea = "{area}"\n\n'
        '[population]\nfile = "mye2.xlsx"\nyear = 2015\n\n' + extra
    )
    return path


def _draft(path: Path, **options: object) -> str:
    config = load_config(path)
    context = build_context(run_assessment(config), DraftOptions(**options))  # type: ignore[arg-type]
    return render_markdown(context)


# --------------------------------------------------------------------------------------------------------
# The prevalence section reads like the Hartlepool strategy, with the sample's figures.


def test_prevalence_section_matches_the_golden_file(sample_assessment, update_golden: bool) -> None:
    text = render_section(build_context(sample_assessment), "prevalence")
    golden = GOLDEN / "prevalence_section.md"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_prevalence_section_reads_like_the_reference_extract(sample_assessment) -> None:
    text = render_section(build_context(sample_assessment), "prevalence")
    assert (
        "Applying the figures from the Crime Survey for England and Wales, year ending March 2015 to the "
        "local population (aged 16-59) it is estimated that in Northmere:"
    ) in text
    assert "- 2,200 women and 1,000 men were victims of domestic abuse in the last year;" in text
    assert "- 7,200 women and 3,400 men have experienced domestic abuse since the age of 16;" in text
    assert "700 women and 200 men have experienced some form of sexual assault (including attempts)" in text
    assert "8.2% of women and 4.0% of men aged 16-59" in text


def test_every_section_figure_comes_from_the_assessment(sample_assessment) -> None:
    """The figures in the draft are the assessment's rounded estimates and cost totals."""
    context = build_context(sample_assessment)
    result = sample_assessment.prevalence[0]
    women = int(result.headline("da_last_year", "female"))
    text = render_markdown(context)
    assert f"{women:,} women" in text
    per_crime = next(c for c in sample_assessment.costs if c.method.value == "per_crime")
    from needsassess.phrasing import money_phrase, per_head_phrase

    assert f"at least **{money_phrase(per_crime.total_gbp)}**" in text
    assert per_head_phrase(per_crime.per_head_gbp) in text


# --------------------------------------------------------------------------------------------------------
# Templates carry words, never figures.

# Narrow allowances: the survey measure's own definition, and a formatting argument (decimals).
ALLOWED = [r"since the age of 16", r"percent\(\d\)", r'charset="utf-8"', r"initial-scale=1", r"SHA-256"]
DIGITS = re.compile(r"(?<!\w)\d[\d,.]*")
WORDED = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten) (?:in|out of) \w+|"
    r"\b(?:halfs?|quarters?|thirds?|million|billion|per cent|percent of)\b",
    re.IGNORECASE,
)


def _template_texts() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # comments
        for allowed in ALLOWED:
            text = re.sub(allowed, "", text)
        found.append((path, text))
    return found


def test_no_template_types_a_number_that_should_come_from_data() -> None:
    texts = _template_texts()
    assert any(p.name == "prevalence.md.j2" for p, _ in texts)
    problems = []
    for path, text in texts:
        for match in DIGITS.finditer(text):
            problems.append(f"{path.relative_to(REPO)}: {match.group(0)!r}")
        for match in WORDED.finditer(text):
            problems.append(f"{path.relative_to(REPO)}: {match.group(0)!r} (use the share/money filters)")
    assert problems == []


def test_the_number_check_catches_a_typed_figure(tmp_path: Path) -> None:
    assert DIGITS.search("it is estimated that 2,200 women") is not None
    assert WORDED.search("almost one in five clients") is not None
    assert DIGITS.search("{{ loop.index0 }} {{ r.survey }}") is None


def test_every_section_has_a_template() -> None:
    for section in section_ids():
        assert (TEMPLATES / "sections" / f"{section}.md.j2").is_file(), section


def test_each_section_module_names_the_templates_it_feeds() -> None:
    """A section's builder lives in its family's module, whose docstring says which template it feeds."""
    for spec in SECTIONS:
        module = sys.modules[spec.build.__module__]
        assert spec.build.__name__ == f"{spec.id}_section", spec.id
        assert module.__name__.startswith("needsassess.report.draft."), spec.id
        assert f"{spec.id}.md.j2" in (module.__doc__ or ""), (spec.id, module.__name__)


def test_the_section_ids_load_without_the_writers() -> None:
    """The command line lists the sections in --help; jinja2, markdown-it and pandas wait until a draft is made."""
    code = (
        "import sys; from needsassess.report.draft import section_ids; section_ids();\n"
        "print(sorted(m for m in ('needsassess.report.draft.render', 'jinja2', 'markdown_it', 'pandas', 'docx')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------------------
# England and Wales


def test_framing_follows_the_area_code() -> None:
    assert framing_for("E06000001")["key"] == "england"
    assert framing_for("W06000015")["key"] == "wales"
    assert framing_for("S12000036")["key"] == "other"


def test_wales_is_framed_by_the_vawdasv_act_not_part_4(tmp_path: Path) -> None:
    text = _draft(_config(tmp_path, "W06000015"))
    assert "Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015" in text
    assert "local health board in Wales" in text
    assert "Part 4 of the Domestic Abuse Act 2021 requires" not in text


def test_england_is_framed_by_part_4(tmp_path: Path) -> None:
    text = _draft(_config(tmp_path, "E06000001"))
    assert "Part 4 of the Domestic Abuse Act 2021 requires each tier one local authority in England" in text
    assert "(Wales) Act 2015" not in text


# --------------------------------------------------------------------------------------------------------
# A section without data is left out with a note, not filled with blanks.


def test_section_without_data_is_left_out_with_a_note(tmp_path: Path) -> None:
    text = _draft(_config(tmp_path, "E06000001"))
    assert "## The cost of domestic abuse" not in text
    assert "> **Not in this draft.**" in text
    assert (
        "> - Cost to the area: no cost estimate in this assessment; add a [cost] section to assessment.toml."
        in text
    )
    assert "None" not in text and "nan" not in text.lower().split()


def test_chosen_sections_only(sample_assessment) -> None:
    context = build_context(sample_assessment, DraftOptions(sections=["prevalence", "sources"]))
    text = render_markdown(context)
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Estimated prevalence of domestic abuse in Northmere",
        "## Sources",
    ]
    assert "Not in this draft" not in text  # not asked for is not "left out"


def test_unknown_section_is_refused(sample: Path) -> None:
    result = runner.invoke(app, ["draft", str(sample), "-o", "x.md", "--sections", "prevalence,costs"])
    assert result.exit_code == 2
    assert "unknown section 'costs'; expected some of introduction, prevalence, cost" in result.stderr


# --------------------------------------------------------------------------------------------------------
# Consultation mode


def test_consultation_draft_has_status_numbers_and_questions(sample_assessment) -> None:
    options = DraftOptions(consultation=True, version="0.4")
    text = render_markdown(build_context(sample_assessment, options))
    date = f"{sample_assessment.created.day} {sample_assessment.created:%B %Y}"
    assert f"**DRAFT FOR CONSULTATION** · Version 0.4 · {date}" in text
    assert "## 1. Domestic abuse in Northmere" in text
    assert "\n1.1 Both nationally and locally" in text
    assert "\n2.1 Applying the figures from the Crime Survey" in text
    assert re.search(r"## \d+\. Questions for consultees", text)
    assert "1. Do these findings match your experience of domestic abuse in Northmere?" in text
    assert "\n- 2,200 women" in text  # list items are not numbered as paragraphs


def test_questions_and_respond_by_from_the_config(sample: Path) -> None:
    with open(sample, "a") as fh:
        fh.write(
            '\n[draft]\nconsultation = true\nversion = "1.0"\ndate = 2026-06-01\nrespond_by = "31 July 2026"\n'
            'contact = "community.safety@northmere.example"\n'
            'questions = ["Is the estimate of male victims right?", "What should the priorities be?"]\n'
        )
    config = load_config(sample)
    options = DraftOptions.from_config(config)
    text = render_markdown(build_context(run_assessment(config), options))
    assert "**DRAFT FOR CONSULTATION** · Version 1.0 · 1 June 2026" in text
    assert "by 31 July 2026; please send them to community.safety@northmere.example" in text
    assert "1. Is the estimate of male victims right?\n2. What should the priorities be?" in text
    assert "Do these findings match" not in text


def test_plain_draft_has_no_consultation_parts(sample_assessment) -> None:
    text = render_markdown(build_context(sample_assessment, DraftOptions(version="0.2")))
    assert "DRAFT FOR CONSULTATION" not in text
    assert "OFFICIAL · Draft version 0.2" in text
    assert "Questions for consultees" not in text
    assert "## Domestic abuse in Northmere" in text


def test_bad_draft_settings_are_reported_together(sample: Path) -> None:
    with open(sample, "a") as fh:
        fh.write(
            '\n[draft]\nformats = ["md", "pdf"]\nconsultation = "yes"\nsections = ["prevalance"]\ncolour = 1\n'
        )
    with pytest.raises(ConfigError) as info:
        DraftOptions.from_config(load_config(sample))
    message = str(info.value)
    assert "[draft] colour is not a setting" in message
    assert "[draft] formats = ['md', 'pdf']; expected a list of md, html, docx" in message
    assert "[draft] consultation = 'yes'; expected true or false" in message
    assert "[draft] unknown section 'prevalance'" in message


# --------------------------------------------------------------------------------------------------------
# User templates: override by name, rendered in the sandbox


def test_user_template_overrides_the_built_in_one(sample_assessment, tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "prevalence.md.j2").write_text(
        "## Prevalence, our way\n\n{% set h = prevalence.results[0].headline %}"
        "We estimate {{ h.women | count }} women; {{ h.women_rate | share }} of women nationally "
        "({{ h.women_rate | percent(1) }}).\n"
    )
    context = build_context(sample_assessment, DraftOptions(templates_dir=tmp_path))
    text = render_markdown(context, tmp_path)
    assert (
        "## Prevalence, our way\n\nWe estimate 2,200 women; almost one in ten of women nationally (8.2%)."
        in text
    )
    assert "## Sources" in text  # built-in templates still serve the rest


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ area.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_user_templates_render_in_the_sandbox(sample_assessment, tmp_path: Path, template: str) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "prevalence.md.j2").write_text(template + "\n")
    with pytest.raises(
        DraftError, match=r"template sections/prevalence\.md\.j2, line 1: not allowed in the sandbox"
    ):
        render_markdown(build_context(sample_assessment), tmp_path)


def test_a_missing_figure_fails_loudly(sample_assessment, tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "prevalence.md.j2").write_text("Line one\n{{ prevalence.no_such_figure }}\n")
    with pytest.raises(DraftError) as info:
        render_markdown(build_context(sample_assessment), tmp_path)
    assert (
        str(info.value)
        == "template sections/prevalence.md.j2, line 2: 'dict object' has no attribute 'no_such_figure'"
    )


def test_user_templates_folder_from_the_cli(sample: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "sections").mkdir(parents=True)
    (mine / "sections" / "sources.md.j2").write_text("## Where the figures come from\n")
    out = tmp_path / "draft.md"
    result = runner.invoke(
        app, ["draft", str(sample), "-o", str(out), "--templates", str(mine)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert "## Where the figures come from" in out.read_text()


# --------------------------------------------------------------------------------------------------------
# Markdown and HTML files


def test_markdown_file_with_charts_beside_it(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "northmere.md"
    result = runner.invoke(app, ["draft", str(sample), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "](chart:" not in text
    for link in re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text):
        image = out.parent / link
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", link
    again = runner.invoke(app, ["draft", str(sample), "-o", str(out)])
    assert again.exit_code == 2
    assert again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"
    assert runner.invoke(app, ["draft", str(sample), "-o", str(out), "--force"]).exit_code == 0


def test_html_is_standalone_with_embedded_charts_and_alt_text(sample_assessment) -> None:
    page = render_html(build_context(sample_assessment, DraftOptions(consultation=True)))
    assert page.startswith("<!DOCTYPE html>")
    assert '<header class="status consultation">DRAFT FOR CONSULTATION · Version 0.1 · ' in page
    images = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page)
    assert len(images) >= 2
    for src, alt in images:
        assert src.startswith("data:image/png;base64,")
        assert re.match(r"(Bar|Line|Funnel) chart: ", alt)
    # nothing is fetched: no scripts, stylesheets, fonts or remote images
    assert not re.search(r"<script|<link|@import|url\(|src=\"https?:", page)
    assert '<p class="numbered"><span class="number">2.1</span> Applying the figures' in page
    assert "<table>" in page and '<th style="text-align:right">Women</th>' in page


def test_text_from_inputs_is_escaped(tmp_path: Path) -> None:
    female, male = hartlepool_like()
    write_mye_workbook(
        tmp_path / "mye2.xlsx", [("E06000001", "<script>alert(1)</script> *Town*", female, male)]
    )
    path = tmp_path / "assessment.toml"
    path.write_text('[assessment]\narea = "E06000001"\n[population]\nfile = "mye2.xlsx"\n')
    page = render_html(build_context(run_assessment(load_config(path))))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *Town*" in page


def test_bad_extension_is_refused(sample: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", str(sample), "-o", str(tmp_path / "draft.pdf")])
    assert result.exit_code == 2
    assert "the draft must be a .md, .html or .docx file" in result.stderr
    with pytest.raises(DraftError, match=r"draft\.txt: a draft is written as \.md, \.html or \.docx"):
        write_draft(run_assessment(load_config(sample)), DraftOptions(), tmp_path / "draft.txt")


# --------------------------------------------------------------------------------------------------------
# Word


@pytest.fixture(scope="module")
def consultation_docx(tmp_path_factory: pytest.TempPathFactory, sample_assessment) -> Path:
    out = tmp_path_factory.mktemp("docx") / "northmere.docx"
    write_draft(sample_assessment, DraftOptions(consultation=True, version="0.5"), out)
    return out


def test_docx_has_real_headings_tables_and_pictures(consultation_docx: Path, sample_assessment) -> None:
    from docx import Document

    doc = Document(str(consultation_docx))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "Domestic abuse needs assessment: Northmere (SYNTHETIC SAMPLE)")
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings[:3] == [
        "1. Domestic abuse in Northmere",
        "2. Estimated prevalence of domestic abuse in Northmere",
        "3. The cost of domestic abuse in Northmere",
    ]
    assert headings[-1].endswith("Questions for consultees")
    assert ("Heading 2", "Cost of recorded crime") in styles
    numbered = [text for style, text in styles if style == "Numbered Paragraph"]
    assert numbered[0].startswith("1.1\tBoth nationally and locally")
    assert "2,200 women and 1,000 men were victims of domestic abuse in the last year;" in [
        text for style, text in styles if style == "List Bullet"
    ]
    table = doc.tables[0]
    assert table.style.name == "Needs Table"
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Measure", "Women", "Men", "Survey rate, women", "Survey rate, men"]
    assert rows[1] == ["Domestic abuse in the last year", "2,200", "1,000", "8.2%", "4.0%"]
    header = doc.sections[0].header.paragraphs
    assert any(p.text.startswith("DRAFT FOR CONSULTATION · Version 0.5 · ") for p in header)
    assert doc.core_properties.version == "0.5"
    with zipfile.ZipFile(consultation_docx) as z:
        document = z.read("word/document.xml").decode("utf-8")
        assert document.count("<w:tblHeader") >= 1  # header rows repeat on each page
        assert re.search(r'<wp:docPr [^>]*descr="Bar chart: Estimated victims aged 16-59 by sex', document)
        assert any(name.startswith("word/media/") for name in z.namelist())


def test_docx_uses_a_councils_own_word_template(sample_assessment, tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    mine = tmp_path / "mine"
    mine.mkdir()
    template = Document(str(TEMPLATES / "strategy_template.docx"))
    template.styles["Heading 1"].font.name = "Georgia"
    template.styles["Heading 1"].font.size = Pt(20)
    template.sections[0].header.paragraphs[0].insert_paragraph_before("Northmere Council")
    template.save(str(mine / "strategy_template.docx"))
    out = tmp_path / "draft.docx"
    write_draft(sample_assessment, DraftOptions(templates_dir=mine), out)
    doc = Document(str(out))
    assert doc.styles["Heading 1"].font.name == "Georgia"
    assert [p.text for p in doc.sections[0].header.paragraphs][0] == "Northmere Council"
    assert doc.sections[0].header.paragraphs[1].text.startswith("OFFICIAL · Draft version 0.1")
    assert "restyle" not in "\n".join(p.text for p in doc.paragraphs)  # the template's own body is replaced


def test_word_template_is_built_by_the_committed_script(tmp_path: Path) -> None:
    import runpy

    built = runpy.run_path(str(TEMPLATES / "make_word_template.py"))["build"](tmp_path / "t.docx")
    from docx import Document

    names = {s.name for s in Document(str(built)).styles}
    shipped = {s.name for s in Document(str(TEMPLATES / "strategy_template.docx")).styles}
    needed = {
        "Title",
        "Heading 1",
        "Heading 2",
        "Body Text",
        "Numbered Paragraph",
        "Note",
        "Caption",
        "Figure",
        "Needs Table",
        "List Bullet",
        "List Number",
        "Hyperlink",
    }
    assert needed <= names
    assert needed <= shipped


def test_docx_opens_in_libreoffice(consultation_docx: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed, so the .docx cannot be converted to PDF here")
    profile = tmp_path / "lo-profile"  # own profile: a LibreOffice already running elsewhere is not disturbed
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(consultation_docx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = tmp_path / "northmere.pdf"
    assert pdf.is_file(), done.stdout + done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3


# --------------------------------------------------------------------------------------------------------
# The run writes all three formats


def test_run_writes_the_drafts_and_lists_them_in_the_manifest(sample: Path, tmp_path: Path) -> None:
    assessment = run_assessment(load_config(sample))
    written = write_outputs(assessment, tmp_path / "out")
    names = {p.name for p in written}
    assert {"northmere_draft.md", "northmere_draft.html", "northmere_draft.docx"} <= names
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    listed = {Path(o["path"]).name for o in manifest["outputs"]}
    assert {"northmere_draft.md", "northmere_draft.docx", "prevalence_by_sex_1.png"} <= listed


def test_draft_formats_and_switch_from_the_config(sample: Path, tmp_path: Path) -> None:
    with open(sample, "a") as fh:
        fh.write('\n[draft]\nformats = ["html"]\n')
    written = write_outputs(run_assessment(load_config(sample)), tmp_path / "a")
    assert [p.name for p in written if "draft" in p.name] == ["northmere_draft.html"]
    text = sample.read_text().replace('formats = ["html"]', "enabled = false")
    sample.write_text(text)
    written = write_outputs(run_assessment(load_config(sample)), tmp_path / "b")
    assert not [p for p in written if "draft" in p.name]


def test_bad_draft_section_fails_before_anything_is_written(sample: Path, tmp_path: Path) -> None:
    with open(sample, "a") as fh:
        fh.write('\n[draft]\nformats = ["pdf"]\n')
    result = runner.invoke(app, ["run", str(sample), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "[draft] formats = ['pdf']; expected a list of md, html, docx" in result.stderr
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------------------
# Children and groups facing additional barriers, from survey packs


def test_children_and_barriers_from_survey_packs(tmp_path: Path) -> None:
    packs = '[prevalence]\npacks = ["csew-2015-16to59", "nspcc-radford-2011", "csew-2020-disability"]\n'
    text = _draft(_config(tmp_path, "E06000001", packs))
    assert (
        "Research published by the NSPCC found that one in seven children and young people aged 0-17 (14.2%) "
        "have lived with domestic violence between adults in their home"
    ) in text
    assert "this is equivalent to 2,600 of them" in text
    assert "An estimated 1,000 men in Testshire were victims of domestic abuse in the last year" in text
    assert "almost one third of all estimated victims (32%)" in text
    assert "- 17.5% of disabled women aged 16-59, against 6.7% of women who are not disabled;" in text
    assert "leave out residents aged 60 and over entirely" in text


def test_share_of_reads_before_a_noun(sample_assessment, tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "sources.md.j2").write_text(
        "{% for p in [0.142, 0.32, 0.5, 0.77] %}{{ p | share_of }} clients; {% endfor %}\n"
    )
    text = render_section(build_context(sample_assessment), "sources", tmp_path)
    assert text == (
        "one in seven clients; almost one third of clients; half of clients; more than three quarters of clients;\n"
    )


# --------------------------------------------------------------------------------------------------------
# Police, reach and provision (the sample's [police] and [provision] sections)


@pytest.fixture(scope="module")
def sample_text(sample_assessment) -> str:
    return render_markdown(build_context(sample_assessment))


def test_police_section_reads_like_the_reference_extract(sample_text: str) -> None:
    assert (
        "During 2015/16 the police recorded 2,511 domestic abuse incidents and crimes in Northmere, of which "
        "937 (37.3%) were recorded as domestic abuse related crimes: 34.3 incidents and crimes per 1,000 "
        "residents aged 16 and over."
    ) in sample_text
    assert "Northmere has the second highest rate of domestic abuse incidents and crimes" in sample_text
    assert (
        "Almost three in five domestic abuse incidents (58%) occurred in the six most deprived wards"
        in sample_text
    )
    assert "more than three quarters of victims (76%) were female" in sample_text
    assert "One in ten incidents that were risk assessed (10%) were assessed as high risk." in sample_text
    assert "| Violence without injury | 260 | 361 |" in sample_text


def test_reach_and_provision_sections(sample_text: str) -> None:
    assert "- Reported to the police: 1,846 (57% of the estimated number);" in sample_text
    assert "The steps measure different things and are not nested" in sample_text
    assert (
        "- Refuge family places: 6 against the 9.4 expected from the benchmark of 1 per 10,000 residents "
        "(64% of the benchmark, below it)."
    ) in sample_text
    assert "In 2015/16, the police identified 382 incidents of domestic abuse where children" in sample_text


def test_small_police_counts_read_as_fewer_than_five(sample_assessment) -> None:
    import copy

    assessment = copy.copy(sample_assessment)
    assessment.police = copy.copy(sample_assessment.police)
    assessment.police.figures = {
        **sample_assessment.police.figures,
        "children_present": 3,
        "children_counted": 3,
    }
    text = render_section(build_context(assessment), "children")
    assert "the police identified fewer than five incidents of domestic abuse where children" in text


# --------------------------------------------------------------------------------------------------------
# The client profile: victims, perpetrators, safe accommodation, groups (the sample's agency files)


@pytest.fixture(scope="module")
def profile_text(sample_assessment) -> str:
    return render_markdown(build_context(sample_assessment))


def test_victims_section_reads_like_the_reference_extract(profile_text: str) -> None:
    assert (
        "Analysis of the needs of the 1,065 clients of local specialist domestic abuse services (Outreach, IDVA, "
        "Refuge and MARAC) shows that 73% of clients have children, with almost one third of clients reporting "
        "mental health issues (32%)"
    ) in profile_text
    assert (
        "Almost one in five clients (18%) disclosed that they had been victims of sexual abuse."
        in profile_text
    )
    assert "The average length of abuse before accessing support was 3.1 years." in profile_text
    assert "| Has children | 729 | 994 | 73% |" in profile_text


def test_perpetrators_accommodation_and_groups_from_the_profile(profile_text: str) -> None:
    assert "Of the 271 domestic abuse perpetrators known to" in profile_text
    assert "almost nine in ten are male (87%)" in profile_text
    assert "## Safe accommodation (Part 4 of the Domestic Abuse Act 2021)" in profile_text
    assert "Safe accommodation services supported 206 people: 69 women, 11 men" in profile_text
    assert (
        "| Dispersed accommodation | 23 | <5 | 0 | * | 36 | 73 |" in profile_text
    )  # suppressed as published
    assert "No local service recorded whether its clients were LGBT+" in profile_text
    assert "Men were 14% of the victims supported by local services" in profile_text


def test_safe_accommodation_is_framed_for_wales(sample_assessment) -> None:
    context = build_context(sample_assessment, DraftOptions(sections=["accommodation"]))
    england = render_section(context, "accommodation")
    assert england.startswith("## Safe accommodation (Part 4 of the Domestic Abuse Act 2021)\n")
    context.values["framing"] = framing_for("W06000015")
    wales = render_section(context, "accommodation")
    assert wales.startswith("## Safe accommodation and support\n")
    assert "Part 4 of the Domestic Abuse Act 2021 does not apply in Wales" in wales
    assert "Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015" in wales
