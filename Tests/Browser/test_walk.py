"""One request from the producer's new-request form to the signed integration report, by typing
and clicking only, as five different people (the demo's people, on the browser tests' own stack).

Runs before test_workspace.py (which changes the consumer's password and then locks sign-ins)."""

import re
import secrets
import subprocess
import time

from playwright.sync_api import expect

from conftest import ARTIFACTS
from test_workspace import goto, page_text, person_with_role, sign_in


def wait_for(page, url, text, seconds=90):
    """Reloads `url` until `text` is on the page (automated steps run between the people's)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        page.wait_for_load_state()
        if text in page_text(page):
            return
        assert time.monotonic() < deadline, f"{url} never showed {text!r}: {page_text(page)[:600]!r}"
        time.sleep(1.5)


def person_page(open_page, base_url, people, credentials, role):
    person = person_with_role(people, role)
    page, _ = open_page(1280)
    sign_in(page, base_url, person["username"], credentials[person["username"]])
    return page, person


def test_a_request_walked_from_the_form_to_the_signed_report(people, base_url, credentials, open_page, tmp_path):
    dataset = "posyandu_" + secrets.token_hex(3)
    title = f"Integrasi data posyandu {dataset[-6:]}"

    # 1. The producer: an incomplete form comes back with the reasons beside the fields; then the full one.
    producer, _ = person_page(open_page, base_url, people, credentials, "producer")
    goto(producer, base_url, "/permohonan")
    producer.get_by_role("link", name="Ajukan permohonan baru").click()
    producer.wait_for_load_state()
    producer.get_by_label("Judul").fill(title)
    producer.get_by_label("Nama dataset (huruf kecil, angka, garis bawah)").fill(dataset)
    producer.get_by_role("button", name="Ajukan permohonan").click()
    producer.wait_for_load_state()
    text = page_text(producer)
    assert "Permohonan belum lengkap" in text and "Wajib diisi" in text or "wajib diisi" in text, text[:800]
    assert producer.get_by_label("Judul").input_value() == title, "what was typed is kept"
    producer.screenshot(path=str(ARTIFACTS / "permohonan-baru-galat.png"), full_page=True)
    producer.get_by_label("Tujuan berbagi data").fill("Berbagi pakai data posyandu untuk perencanaan gizi")
    producer.get_by_label("Dasar hukum").fill("Perpres 39/2019 tentang Satu Data Indonesia")
    producer.get_by_label("Narahubung: nama").fill("Rina Wulandari")
    producer.get_by_label("Narahubung: e-mail").fill("data@dinkes.example.go.id")
    producer.get_by_label(re.compile("Instansi pengguna data")).fill("35.14-bappeda")
    producer.get_by_label(re.compile("Kolom, satu per baris")).fill(
        "kode_posyandu string wajib\nnama_posyandu string wajib\njumlah_kader integer")
    producer.get_by_label(re.compile("Kunci utama")).fill("kode_posyandu")
    producer.get_by_role("button", name="Ajukan permohonan").click()
    producer.wait_for_load_state()
    assert "Permohonan diajukan" in page_text(producer), page_text(producer)[:800]
    request_url = producer.url.split("?")[0]
    assert re.search(r"/permohonan/[0-9a-f-]{36}$", request_url), request_url

    # 2. The head: the disposition sheet.
    head, head_person = person_page(open_page, base_url, people, credentials, "head")
    wait_for(head, request_url, "Beri disposisi")
    head.get_by_label("Instruksi").fill("Kaji struktur data posyandu dan siapkan kontrak")
    head.get_by_label("Sifat").select_option("segera")
    head.get_by_role("button", name="Beri disposisi").click()
    head.wait_for_load_state()
    assert "Disposisi tercatat" in page_text(head), page_text(head)[:600]

    # 3. The technical team: agrees, then records the interchange document.
    technical, _ = person_page(open_page, base_url, people, credentials, "technical")
    wait_for(technical, request_url, "Setujui kontrak dataset")
    technical.get_by_role("button", name="Setujui kontrak dataset").click()
    technical.wait_for_load_state()
    assert "Kontrak dataset disetujui" in page_text(technical), page_text(technical)[:600]
    wait_for(technical, request_url, "Catat selesai")
    technical.get_by_label(re.compile("Keluaran langkah ini")).fill("Dokumen rumusan integrasi data posyandu")
    technical.get_by_role("button", name="Catat selesai").click()
    technical.wait_for_load_state()
    assert "Langkah dicatat selesai" in page_text(technical), page_text(technical)[:600]

    # 4. The Kepala Bidang delivers once the hub provisioned and tested the API.
    supervisor, _ = person_page(open_page, base_url, people, credentials, "supervisor")
    wait_for(supervisor, request_url, "Serahkan hasil integrasi", seconds=120)
    supervisor.get_by_label("Yang diserahkan kepada OPD").fill("Laporan hasil integrasi dan alamat API")
    supervisor.get_by_role("button", name="Serahkan hasil integrasi").click()
    supervisor.wait_for_load_state()
    assert "Hasil integrasi diserahkan" in page_text(supervisor), page_text(supervisor)[:600]

    # 5. The producer sends its records from a file on the dataset's page (a broken file is named
    # row by row and stores nothing), runs the quality checks and accepts on that run.
    wait_for(producer, request_url, "Jalankan uji mutu")
    producer.locator('a[href^="/katalog/"]').first.click()
    producer.wait_for_load_state()
    broken = tmp_path / "posyandu-salah.csv"
    broken.write_text("kode_posyandu,nama_posyandu,jumlah_kader\nP001,Melati,5\nP002,Mawar,lima\n")
    producer.get_by_label(re.compile("^Berkas CSV")).set_input_files(str(broken))
    producer.get_by_role("button", name="Kirim ke hub").click()
    producer.wait_for_load_state()
    text = page_text(producer)
    assert "1 rekaman melanggar kontrak" in text and "baris 3" in text, text[:800]
    producer.screenshot(path=str(ARTIFACTS / "rekaman-galat.png"), full_page=True)
    good = tmp_path / "posyandu.csv"
    good.write_text("kode_posyandu,nama_posyandu,jumlah_kader\n" + "".join(
        f"P{n:03d},Posyandu {n},{n % 9 + 1}\n" for n in range(1, 121)))
    producer.get_by_label(re.compile("^Berkas CSV")).set_input_files(str(good))
    producer.get_by_role("button", name="Kirim ke hub").click()
    producer.wait_for_load_state()
    assert "120 rekaman diterima hub" in page_text(producer), page_text(producer)[:800]
    producer.screenshot(path=str(ARTIFACTS / "dataset-rekaman.png"), full_page=True)
    producer.goto(request_url)
    producer.get_by_role("button", name="Jalankan uji mutu").click()
    producer.wait_for_load_state()
    assert "Skor" in page_text(producer), page_text(producer)[:800]
    producer.get_by_label(re.compile("Catatan penerimaan")).fill("Data sesuai dengan sistem sumber")
    producer.get_by_role("button", name="Terima hasil integrasi").click()
    producer.wait_for_load_state()
    assert "Hasil integrasi diterima" in page_text(producer), page_text(producer)[:600]

    # 6. The report: the Kepala Bidang's paraf, then the Kepala Dinas signs with their password.
    wait_for(supervisor, request_url, "Laporan Hasil Integrasi Data —", seconds=120)
    supervisor.get_by_role("link", name=re.compile("^Laporan Hasil Integrasi Data —")).click()
    supervisor.wait_for_load_state()
    supervisor.get_by_role("button", name="Beri paraf").click()
    supervisor.wait_for_load_state()
    assert "Paraf Anda tercatat" in page_text(supervisor)
    head.goto(request_url)
    head.get_by_role("link", name=re.compile("^Laporan Hasil Integrasi Data —")).click()
    head.wait_for_load_state()
    head.get_by_label("Kata sandi").fill(credentials[head_person["username"]])
    head.get_by_role("button", name="Tanda tangani").click()
    head.wait_for_load_state()
    assert "Naskah ditandatangani" in page_text(head), page_text(head)[:600]
    number = re.search(r"Nomor (\S+)", page_text(head)).group(1)
    head.screenshot(path=str(ARTIFACTS / "laporan-ditandatangani.png"), full_page=True)
    pdf_href = head.get_by_role("link", name="Unduh PDF bertanda tangan").get_attribute("href")
    verify_href = head.get_by_role("link", name="Periksa keaslian").get_attribute("href")
    pdf = head.request.get(base_url + pdf_href)
    assert pdf.ok
    report = tmp_path / "laporan.pdf"
    report.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text, f"the PDF carries its number {number}"
    assert (base_url + verify_href) in "".join(text.split()), "the PDF carries its verification address"

    # 7. Receipts: the producer confirms the delivered results, the Kepala Bidang the report (which
    # forwards it), then the head, each from Tugas saya; the head was told in Pemberitahuan.
    for page in (producer, supervisor, head):
        wait_for(page, base_url + "/", "Konfirmasi diterima", seconds=60)
        page.locator("tr", has_text=title).get_by_role("button", name="Konfirmasi diterima").first.click()
        page.wait_for_load_state()
        assert "Tanda terima tersimpan" in page_text(page), page_text(page)[:600]
    goto(head, base_url, "/pemberitahuan")
    text = page_text(head)
    assert f"Laporan diteruskan kepada Kepala Dinas: {title}" in text, text[:800]
    assert f"Permohonan baru menunggu disposisi: {title}" in text, text[:800]
    head.screenshot(path=str(ARTIFACTS / "pemberitahuan.png"), full_page=True)
    head.goto(request_url)
    head.wait_for_load_state()
    assert "Tanda terima" in page_text(head) and "diterima" in page_text(head)

    # 7. The consumer agency finds the dataset in the catalogue.
    consumer, _ = person_page(open_page, base_url, people, credentials, "consumer")
    wait_for(consumer, base_url + "/katalog", dataset, seconds=60)
    consumer.locator("tr", has_text=dataset).locator('a[href^="/katalog/"]').first.click()
    consumer.wait_for_load_state()
    consumer.get_by_role("button", name="Ambil kunci").first.click()
    consumer.wait_for_load_state()
    text = page_text(consumer)
    assert "hanya ditampilkan sekali" in text and "jbk_" in text, text[:800]
    assert "curl -H" in text, "an example call"
