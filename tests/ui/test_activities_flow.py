"""The secretary records Saturday's volunteer visit to the home for the elderly: picks 张三 (2.5 hours) and
李四 (2 hours) from the roster, counts five students, saves, adds the group photo taken sideways on a
phone (the thumbnail stands upright), opens 张三's file and finds the visit with his hours, and prints the
volunteer ledger with both names in it. On the 联系服务 page the dormitory she assigned shows as covered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QDesktopServices, QImage, QImageIOHandler, QImageWriter

from branchdesk.domain.activities import Assignment, AssignmentKind

TODAY = dt.date(2026, 12, 7)


def sideways_jpeg(path) -> None:
    """A landscape 80×40 JPEG whose EXIF orientation says "turn it 90°" (as phones write them)."""
    image = QImage(80, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, b"jpeg")
    writer.setTransformation(QImageIOHandler.Transformation.TransformationRotate90)
    assert writer.write(image), writer.errorString()
    path.write_bytes(bytes(data))


def test_record_a_volunteer_activity_and_find_it_on_the_file_and_in_the_ledger(
    qtbot, ctx, roster, tmp_path, monkeypatch
):
    from branchdesk.reports.registry import Period, build
    from branchdesk.ui.pages.activities import ActivitiesPage, thumbnail
    from branchdesk.ui.pages.members import MembersPage

    page = ActivitiesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0

    from branchdesk.ui.dialogs.project_dialog import ProjectsDialog

    projects = ProjectsDialog(ctx, page)
    projects.name.setText("银龄守护")
    projects.goals.setPlainText("2026：每月走访一次")
    projects.recognitions.setPlainText("2026-06-30，省级优秀党建工作项目，省部级，省委教育工委")
    saved_project = projects.save()
    assert saved_project.goals == {2026: "每月走访一次"} and saved_project.recognitions[0].level == "省部级"
    projects.close()

    dialog = page.new_activity()
    dialog.project.setCurrentText("银龄守护")
    dialog.title.setText("走访幸福里敬老院")
    dialog.place.setText("幸福里敬老院")
    dialog.kind.setCurrentText("志愿服务")
    dialog.hours.setValue(2.5)
    assert dialog.add_participant("张三")
    assert dialog.add_participant("李四", 2)
    assert not dialog.add_participant("路人甲") and "不在花名册" in dialog.error.text()
    dialog.others.setValue(5)
    dialog.others_hours.setValue(10)
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert page.model.rowCount() == 1 and page.selected_id() is not None
    assert "2 人次" not in page.summary.text() and "7 人次" in page.summary.text()

    photo = tmp_path / "合影.jpg"
    sideways_jpeg(photo)
    page.add_photo(photo)
    assert page.photos.count() == 1
    upright = thumbnail(photo.read_bytes())
    assert upright.height() > upright.width(), "EXIF orientation applied (QImageReader.setAutoTransform)"
    (too_big := tmp_path / "大图.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024 + 1))
    warned = []
    monkeypatch.setattr(
        "branchdesk.ui.widgets.prompts.warn", lambda _parent, _title, text: warned.append(text)
    )
    page.add_photo(too_big)
    assert warned and "超过10 MB" in warned[0] and page.photos.count() == 1
    opened = []  # a double-click opens the photo: its stored bytes, from a private temp folder
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())))
    page.photos.itemDoubleClicked.emit(page.photos.item(0))
    assert opened[0].name == "合影.jpg" and opened[0].read_bytes() == photo.read_bytes()

    study = page.edit_study()  # 学时与述职…: an online course entered by hand for 张三
    study.member.setCurrentText("张三")
    study.hours.setValue(8)
    study.source.setCurrentText("网络课程")
    study.add_record()
    zhang = next(r for r in range(study.table.rowCount()) if study.table.item(r, 0).text() == "张三")
    assert study.table.item(zhang, 1).text() == "8" and study.table.item(zhang, 3).text() == "差24学时"
    study.close()

    members = MembersPage(ctx)
    qtbot.addWidget(members)
    members.work._today = TODAY
    assert members.select_member(roster["张三"].id)
    members.detail_tabs.setCurrentWidget(members.work)
    items = [members.work.activities.item(i).text() for i in range(members.work.activities.count())]
    assert items == [f"{TODAY.isoformat()} 志愿服务：走访幸福里敬老院（2.5小时）"]
    assert members.work.hours.text().startswith("2026年学习培训 8 学时（应达 32 学时，还差 24 学时）")

    (ledger,) = build(ctx.ws, "activities", Period.year(2026), today=TODAY)
    [row] = ledger.rows
    assert "张三2.5" in row[7] and "李四2" in row[7] and row[9] == 7 and row[6] == "银龄守护"

    # the November 主题党日 was spent at the community clinic: its activity is generated from the record
    from dataclasses import replace

    from branchdesk.services.meetings import MeetingStatus, MeetingType

    day = ctx.meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 11, 15), status=MeetingStatus.DRAFT,
                            theme="社区义诊志愿服务", start_time=dt.time(8, 30), end_time=dt.time(11, 0))  # fmt: skip
    ctx.meetings.save(replace(day, place="学府社区"))
    page.reload()
    assert [m.id for m in page.party_days()] == [day.id]
    linked = page.from_meeting(day.id)
    assert linked.title.text() == "社区义诊志愿服务" and len(linked.participant_names()) == 6
    linked.save_button.click()
    assert page.model.rowCount() == 2 and page.party_days() == []
    assert sum(1 for r in page.model.rows if r.meeting_id == day.id) == 1

    from branchdesk.ui.pages.assignments import AssignmentsPage

    ctx.assignments.save(Assignment("李四", AssignmentKind.DORMITORY, dt.date(2026, 9, 1), member_id=roster["李四"].id,
                                    target="3号楼305"))  # fmt: skip
    service = AssignmentsPage(ctx, today=TODAY)
    qtbot.addWidget(service)
    service.show()
    assert [service.dormitories.item(i).text() for i in range(service.dormitories.count())] == [
        "3号楼305：李四"
    ]
    unassigned = {service.unassigned.item(i).text() for i in range(service.unassigned.count())}
    assert "李四" not in unassigned and "张三" in unassigned
    assert service.table.rowCount() == 1 and service.table.item(0, 1).text() == "联系宿舍"
