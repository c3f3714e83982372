"""File handling of the emulator: uploads, file_id reuse, getFile and downloads."""

from __future__ import annotations

import aiohttp

from bot.emulator import BotApiEmulator

from .helpers import TOKEN, Api

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


async def download(emu: BotApiEmulator, file_path: str, token: str = TOKEN) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, \
            session.get(f"{emu.url}/file/bot{token}/{file_path}") as response:
        return response.status, await response.read()


async def test_photo_upload_get_file_and_download(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    result = await api.ok("sendPhoto", "multipart", files={"photo": ("p.jpg", JPEG)}, chat_id=1001,
                          caption="<b>打卡</b>照片", parse_mode="HTML")
    sizes = result["photo"]
    assert len(sizes) >= 2 and len({s["file_id"] for s in sizes}) == len(sizes)
    assert all(s["width"] > 0 and s["height"] > 0 and s["file_size"] == len(JPEG) for s in sizes)
    assert result["caption"] == "打卡照片"
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert (alice.last.kind, alice.last.text, alice.last.file_id) == ("photo", "打卡照片", sizes[-1]["file_id"])
    for size in sizes:
        file = await api.ok("getFile", file_id=size["file_id"])
        assert file["file_size"] == len(JPEG)
        assert await download(emu, file["file_path"]) == (200, JPEG)


async def test_document_upload_via_attach_and_reuse_by_file_id(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    # aiogram refers to uploaded parts with attach://<name>.
    result = await api.ok("sendDocument", "multipart", files={"f1": ("报告.pdf", b"%PDF-1.4 data")},
                          chat_id=1001, document="attach://f1")
    document = result["document"]
    assert document["file_name"] == "报告.pdf" and document["mime_type"] == "application/pdf"
    assert document["file_size"] == len(b"%PDF-1.4 data") and document["file_unique_id"]
    again = await api.ok("sendDocument", chat_id=1001, document=document["file_id"], caption="再发一次")
    assert again["document"] == document and again["caption"] == "再发一次"
    path = (await api.ok("getFile", file_id=document["file_id"]))["file_path"]
    assert path.endswith(".pdf")
    assert await download(emu, path) == (200, b"%PDF-1.4 data")


async def test_file_errors(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1001)
    doc = (await api.ok("sendDocument", "multipart", files={"document": ("a.txt", b"x")},
                        chat_id=1001))["document"]
    assert await api.error("sendPhoto", chat_id=1001, photo="AgACnope") == (
        400, "Bad Request: wrong file identifier/HTTP URL specified")
    assert await api.error("sendPhoto", chat_id=1001, photo=doc["file_id"]) == (
        400, "Bad Request: can't use file of type Document as Photo")
    assert await api.error("sendPhoto", chat_id=1001) == (400, "Bad Request: there is no photo in the request")
    assert await api.error("sendDocument", chat_id=1001, document=doc["file_id"], caption="长" * 1025) == (
        400, "Bad Request: message caption is too long")
    assert await api.error("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    assert (await download(emu, "documents/missing.txt"))[0] == 404
    path = (await api.ok("getFile", file_id=doc["file_id"]))["file_path"]
    assert (await download(emu, path, token="123:WRONG"))[0] == 401


async def test_user_uploads_are_downloadable_and_big_files_refused(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_photo(JPEG, caption="作业", wait=False)
    await alice.send_document(b"z" * (20 * 1024 * 1024 + 1), file_name="big.zip", wait=False)
    photo_msg, doc_msg = [u["message"] for u in await api.ok("getUpdates")]
    assert photo_msg["caption"] == "作业" and len(photo_msg["photo"]) >= 2
    file = await api.ok("getFile", file_id=photo_msg["photo"][0]["file_id"])
    assert await download(emu, file["file_path"]) == (200, JPEG)
    assert doc_msg["document"]["file_name"] == "big.zip"
    assert await api.error("getFile", file_id=doc_msg["document"]["file_id"]) == (
        400, "Bad Request: file is too big")
