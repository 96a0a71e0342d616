"""Print a PDF through a QPrinter: each page rendered (QPdfDocument.render) onto A4 paper, turned to
the page's own orientation (a landscape ledger after a portrait title page prints landscape).

The PDF pages are A4 with their own margins, so the rendered page fills the sheet (``fullPage``);
a page of another size is scaled to fit, centred. Pages are rendered at the printer's resolution up
to ``MAX_DPI`` (a sharp print without a 140 MB image per page at 1200 dpi).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

MAX_DPI = 300


class PrintCancelled(Exception):
    pass


def page_orientation(document: QPdfDocument, page: int) -> QPageLayout.Orientation:
    size = document.pagePointSize(page)
    if size.width() > size.height():
        return QPageLayout.Orientation.Landscape
    return QPageLayout.Orientation.Portrait


def pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """0-based pages in the range the print dialog chose (all pages when none was chosen)."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 and last <= 0:
        return list(range(page_count))
    first = max(first, 1)
    last = min(last if last > 0 else page_count, page_count)
    return list(range(first - 1, last))


def print_pdf(
    document: QPdfDocument,
    printer: QPrinter,
    *,
    pages: list[int] | None = None,
    on_page: Callable[[int, int], bool] | None = None,
) -> int:
    """Print `pages` (0-based; default: the range chosen on `printer`) of `document`; the number printed.

    ``on_page(done, total)`` is called before each page; returning False stops (PrintCancelled, the
    printer job is aborted).
    """
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise ValueError("没有可打印的内容")
    pages = pages if pages is not None else pages_to_print(printer, document.pageCount())
    if not pages:
        return 0
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(page_orientation(document, pages[0]))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印：打印机不可用或输出文件无法写入")
    try:
        for number, page in enumerate(pages):
            if on_page is not None and not on_page(number, len(pages)):
                printer.abort()
                raise PrintCancelled("已取消打印")
            if number:
                printer.setPageOrientation(page_orientation(document, page))
                printer.newPage()
            _draw_page(document, page, printer, painter)
    finally:
        if painter.isActive():
            painter.end()
    return len(pages)


def _draw_page(document: QPdfDocument, page: int, printer: QPrinter, painter: QPainter) -> None:
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    # paperRect is relative to the printable area's origin; with fullPage the painter starts at the
    # paper's corner
    target = QRectF(0, 0, paper.width(), paper.height())
    points = document.pagePointSize(page)
    scale = min(target.width() / points.width(), target.height() / points.height())
    width, height = points.width() * scale, points.height() * scale
    box = QRectF(target.x() + (target.width() - width) / 2, target.y() + (target.height() - height) / 2,
                 width, height)  # fmt: skip
    dpi = min(printer.resolution(), MAX_DPI)
    image: QImage = document.render(
        page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    )
    painter.drawImage(box, image)
