"""The left-hand navigation between the application's areas."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QListWidget, QListWidgetItem, QStyle, QWidget


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    icon: QStyle.StandardPixmap | None = None


class NavList(QListWidget):
    """A list of areas; `currentRowChanged` tells which one was picked."""

    def __init__(self, areas: list[Area], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("nav")
        self.areas = list(areas)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(20, 20))
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            "QListWidget#nav { background: palette(base); border-right: 1px solid palette(mid); }"
            "QListWidget#nav::item { padding-left: 14px; border: none; }"
            "QListWidget#nav::item:selected { background: #b3261e; color: white; }"
            "QListWidget#nav::item:hover:!selected { background: palette(alternate-base); }"
        )
        for number, area in enumerate(self.areas, start=1):
            item = QListWidgetItem(area.title)
            if area.icon is not None:
                item.setIcon(self.style().standardIcon(area.icon))
            item.setToolTip(f"{area.title}（Ctrl+{number}）")
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(0, 42))
            self.addItem(item)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.setFont(font)
        icons = any(a.icon is not None for a in self.areas)
        width = max(self.fontMetrics().horizontalAdvance(a.title) for a in self.areas) + (64 if icons else 40)
        self.setFixedWidth(max(width, 112))

    def index_of(self, key: str) -> int:
        for row, area in enumerate(self.areas):
            if area.key == key:
                return row
        raise KeyError(key)
