"""Read one file into plain text, by type. No Django here: bytes in, text out.

Every failure is a ReadError whose message is the one-line reason shown to the user.
"""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tawthiq.ingest.encoding import DecodeError, decode

TEXT_TYPES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
FILE_TYPES = {**TEXT_TYPES, ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}


class ReadError(ValueError):
    """The file cannot be read as a document; the message says why."""


@dataclass
class Extracted:
    text: str
    encoding: str = ""
    title: str = ""
    metadata: dict = field(default_factory=dict)


def file_type(path: Path) -> str | None:
    """'txt', 'md', 'html', 'pdf', 'docx', or None for a file we do not read."""
    return FILE_TYPES.get(path.suffix.lower())


def normalise(text: str) -> str:
    """The form documents are stored and hashed in: NFC, Unix newlines, no BOM, no
    surrounding blank space. Nothing inside the text changes beyond that, so quotes
    and offsets taken from the file stay valid."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text).strip()


def read_bytes(kind: str, data: bytes) -> Extracted:
    """Extract the text of a file of the given type from its bytes."""
    if not data.strip():
        raise ReadError("empty file")
    reader = {"txt": _read_text, "md": _read_text, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx}[kind]
    extracted = reader(data)
    extracted.text = normalise(extracted.text)
    if not extracted.text:
        raise ReadError(f"no text found in the {kind.upper()} file")
    return extracted


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return decode(data)
    except DecodeError as exc:
        raise ReadError(str(exc)) from None


def _read_text(data: bytes) -> Extracted:
    text, encoding = _decode(data)
    return Extracted(text=text, encoding=encoding)


# --- HTML --------------------------------------------------------------------------

DROPPED_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "form",
                "nav", "header", "footer", "aside", "head", "button", "select"]
BLOCK_TAGS = {"p", "div", "section", "article", "main", "ul", "ol", "dl", "table", "blockquote", "pre",
              "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "address", "hr", "body"}
LINE_TAGS = {"br", "li", "tr", "dt", "dd"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
NOISE_CLASS = re.compile(r"(^|[\s_-])(nav|menu|footer|header|sidebar|cookie|share|social|breadcrumb|advert|ads)([\s_-]|$)", re.I)


def _decode_html(data: bytes) -> tuple[str, str]:
    declared = META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = declared.group(1).decode("ascii").lower()
        try:
            text = data.decode(name)
            if "\x00" not in text:
                return text, name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detect instead
    return _decode(data)


def _read_html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    text, encoding = _decode_html(data)
    if "<" not in text:
        raise ReadError("malformed HTML: no markup at all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo", "complementary"]}):
        tag.decompose()
    whole = len(soup.get_text())
    for tag in soup.find_all(class_=NOISE_CLASS):
        # A class like "has-sidebar" may sit on the wrapper of the whole page: keep
        # anything that holds the main content or most of the text.
        if tag.decomposed or tag.name in ("body", "main", "article") or tag.find(["main", "article"]):
            continue
        if len(tag.get_text()) <= 0.3 * whole:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    parts: list[str] = []
    _html_blocks(root, parts)
    return Extracted(text=_tidy_blocks("".join(parts)), encoding=encoding, title=title[:1000])


def _html_blocks(node, parts: list[str]) -> None:
    """Inline text joined with single spaces; block elements separated by blank lines."""
    from bs4 import Comment, NavigableString, Tag

    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(re.sub(r"\s+", " ", str(child)))
        elif isinstance(child, Tag):
            if child.name == "pre":
                parts.append("\n\n" + child.get_text() + "\n\n")
                continue
            paragraph = child.name in BLOCK_TAGS
            if paragraph:
                parts.append("\n\n")
            _html_blocks(child, parts)
            if child.name in ("td", "th"):
                parts.append("\t")
            elif child.name in LINE_TAGS:
                parts.append("\n")
            elif paragraph:
                parts.append("\n\n")


def _tidy_blocks(text: str) -> str:
    """Collapse runs of spaces and blank lines; table cells keep one tab between them."""
    lines = (re.sub(r" *\t[ \t]*", "\t", re.sub(r" +", " ", line)).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# --- PDF ---------------------------------------------------------------------------


def _read_pdf(data: bytes) -> Extracted:
    import logging

    import pdfplumber

    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError("malformed PDF: no %PDF header")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
            info = pdf.metadata or {}
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReadError(f"malformed PDF: {reason[:200]}") from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise ReadError("PDF has no text layer (scanned image?)")
    title = info.get("Title", "")
    if isinstance(title, bytes):
        title = title.decode("utf-8", errors="ignore")
    return Extracted(text=text, title=str(title)[:1000], metadata={"pages": len(pages)})


# --- DOCX --------------------------------------------------------------------------


def _read_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append(_docx_table(item))
            else:
                blocks.append(item.text)
        title = document.core_properties.title or ""
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReadError(f"malformed DOCX: {reason[:200]}") from None
    except Exception as exc:  # lxml and python-docx raise various types on broken XML
        raise ReadError(f"malformed DOCX: {type(exc).__name__}: {str(exc)[:200]}") from None
    return Extracted(text="\n\n".join(block for block in blocks if block.strip()), title=title[:1000])


def _docx_table(table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if not cells or cells[-1] != text:  # merged cells repeat their text
                cells.append(text)
        rows.append("\t".join(cells))
    return "\n".join(rows)


def first_line_title(text: str) -> str:
    """A title for files that carry none: the first line, when it is short enough to be one."""
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200] if len(line) <= 200 else ""
    return ""
