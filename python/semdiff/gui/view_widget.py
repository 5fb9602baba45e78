"""The Qt side of live_view: a grid of rows (frames) × columns (original + each method), refreshed from
a Qt signal so the GNU Radio thread never touches a widget."""
from __future__ import annotations

import numpy as np
from PyQt5 import QtCore, QtGui, QtWidgets

SCALE = 4


def _pixmap(img: np.ndarray) -> QtGui.QPixmap:
    g = np.ascontiguousarray(img[..., 0] if img.shape[-1] == 1 else img.mean(-1).astype(np.uint8))
    h, w = g.shape
    q = QtGui.QImage(g.data, w, h, w, QtGui.QImage.Format_Grayscale8).copy()
    return QtGui.QPixmap.fromImage(q).scaled(w * SCALE, h * SCALE, QtCore.Qt.KeepAspectRatio,
                                             QtCore.Qt.FastTransformation)


class LiveViewWidget(QtWidgets.QWidget):
    changed = QtCore.pyqtSignal()

    def __init__(self, block):
        super().__init__()
        self.block = block
        self.columns = ["original", *block.methods]
        self.grid = QtWidgets.QGridLayout(self)
        for c, name in enumerate(["frame", *self.columns]):
            head = QtWidgets.QLabel(f"<b>{name}</b>")
            head.setAlignment(QtCore.Qt.AlignCenter)
            self.grid.addWidget(head, 0, c)
        self.cells = [[QtWidgets.QLabel() for _ in range(len(self.columns) + 1)] for _ in range(block.rows)]
        for r, row in enumerate(self.cells):
            for c, cell in enumerate(row):
                cell.setAlignment(QtCore.Qt.AlignCenter)
                cell.setMinimumSize(28 * SCALE + 8 if c else 60, 28 * SCALE + 28)
                self.grid.addWidget(cell, r + 1, c)
        self.changed.connect(self.refresh, QtCore.Qt.QueuedConnection)

    @QtCore.pyqtSlot()
    def refresh(self):
        if self.block.shown == 0:
            # a GRC Qt flowgraph opens at its last saved size (tiny on a fresh machine): grow the window
            # once so the images and the constellation beside them are visible, never shrink it
            win, want = self.window(), self.sizeHint()
            win.resize(max(win.width(), want.width() + 560), max(win.height(), want.height() + 60))
        frames = dict(self.block.frames)
        for r, fid in enumerate(sorted(frames, reverse=True)[: len(self.cells)]):
            row = self.cells[r]
            row[0].setText(f"#{fid}")
            for c, name in enumerate(self.columns, start=1):
                img, psnr = frames[fid].get(name, (None, None))
                if img is None:
                    row[c].clear()
                    row[c].setText("—")
                    continue
                pm = _pixmap(img)
                caption = "" if psnr is None else f"{psnr:.1f} dB"
                canvas = QtGui.QPixmap(pm.width(), pm.height() + 22)
                canvas.fill(QtCore.Qt.white)
                p = QtGui.QPainter(canvas)
                p.drawPixmap(0, 0, pm)
                p.drawText(QtCore.QRect(0, pm.height() + 2, pm.width(), 20), QtCore.Qt.AlignCenter, caption)
                p.end()
                row[c].setPixmap(canvas)
        self.block.shown += 1
        if self.block.snapshot:
            self.window().grab().save(self.block.snapshot, "PNG")
