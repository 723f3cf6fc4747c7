"""The people's web workspace in a real browser (Chromium through Playwright), against a stack with
the demo's people and requests (deploy/local/browser.sh). Each person signs in and finds their tasks;
the pages fit a 375 px phone; every form field has a label; sign-in and the password change work by
keyboard alone; no page fetches anything from another host; an unknown request is a 404 inside the
workspace's layout.

The tests run in file order: the keyboard test changes the consumer's password (recorded in the
`credentials` fixture) and the last test makes the consumer's sign-in refuse further attempts.
"""

import re
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS

NAV_LINKS = ["Tugas saya", "Permohonan", "Ringkasan", "Katalog dataset", "Laporan", "Akun saya"]
# A consumer agency reads datasets: no requests, overview or reports in its header.
CONSUMER_NAV_LINKS = ["Tugas saya", "Katalog dataset", "Akun saya"]


def nav_link(page, name):
    """A header link by its name; a count of waiting tasks may follow the name ("Tugas saya 3")."""
    return page.get_by_role("link", name=re.compile("^" + re.escape(name) + r"(\s*\d+.*)?$"), include_hidden=True)
NARROW_PAGES = [
    ("/", "tugas"),
    ("/permohonan", "permohonan"),
    ("/ringkasan", "ringkasan"),
    ("/katalog", "katalog"),
    ("/laporan", "laporan"),
    ("/akun", "akun"),
]
REQUEST_PATH = re.compile(r"^/permohonan/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UNKNOWN_REQUEST = "/permohonan/00000000-0000-0000-0000-000000000000"

# Every visible form field without a label (a <label> tied to it, aria-label or aria-labelledby).
UNLABELLED_JS = """() => {
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.tagName === 'INPUT' && skip.has((el.getAttribute('type') || 'text').toLowerCase())) continue;
    const style = getComputedStyle(el);
    if (el.getClientRects().length === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    const labelled = (el.labels && Array.from(el.labels).some(l => l.textContent.trim() !== ''))
      || (el.getAttribute('aria-label') || '').trim() !== ''
      || (el.getAttribute('aria-labelledby') || '').trim() !== '';
    if (!labelled) out.push(el.outerHTML.slice(0, 160));
  }
  return out;
}"""

# What sticks out past the right edge of the viewport (for the message of a failed overflow check).
OVERFLOW_JS = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) {
      const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(id + ' right=' + Math.round(r.right));
      if (out.length >= 5) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide: out};
}"""


def path_of(page):
    return urlsplit(page.url).path


def page_text(page):
    return " ".join(page.locator("body").inner_text().split())


def person_with_role(people, role):
    for person in people["people"]:
        if person.get("role") == role:
            return person
    pytest.fail(f"the people file has no {role}")


def goto(page, base_url, path, status=200):
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"GET {path} answered {response.status}, expected {status}: {page_text(page)[:300]}"
    return response


def sign_in(page, base_url, username, password):
    """Signs in through the form at /masuk and checks the landing page is "Tugas saya" at /."""
    goto(page, base_url, "/masuk")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Masuk", exact=True).click()
    assert path_of(page) == "/", f"{username}: after signing in the browser is at {page.url}: {page_text(page)[:300]}"
    expect(page.get_by_role("heading", level=1, name="Tugas saya")).to_be_visible()


def keyboard_focus(page, check, what, limit=60):
    """Presses Tab until `check` (a JS expression on document.activeElement, as `el`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({check}); }}"):
            return
    pytest.fail(f"{what} never got the focus within {limit} presses of Tab on {page.url}")


def first_request_path(page, base_url):
    """The first request page linked from /permohonan (a path /permohonan/<uuid> on the workspace)."""
    goto(page, base_url, "/permohonan")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    netloc = urlsplit(base_url).netloc
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc == netloc and REQUEST_PATH.match(parts.path):
            return parts.path
    pytest.fail(f"/permohonan links no request page (/permohonan/<id>); links: {hrefs[:20]}")


def check_layout(page, role=None):
    """The workspace layout: title, the header's links, the sign-out form."""
    title = page.title()
    assert title.startswith("Jembatan — "), f"{page.url}: title {title!r} does not start with 'Jembatan — '"
    for name in CONSUMER_NAV_LINKS if role == "consumer" else NAV_LINKS:
        assert nav_link(page, name).count() > 0, f"{page.url}: no link {name!r} in the page"
    if role == "consumer":
        for name in ("Permohonan", "Ringkasan", "Laporan"):
            assert nav_link(page, name).count() == 0, f"{page.url}: the consumer sees the office's link {name!r}"
    admin_links = page.get_by_role("link", name="Akun pengguna", exact=True, include_hidden=True).count()
    if role == "admin":
        assert admin_links > 0, f"{page.url}: the admin has no link 'Akun pengguna'"
    elif role is not None:
        assert admin_links == 0, f"{page.url}: {role} sees the admin's link 'Akun pengguna'"
    sign_out = page.locator("form[action$='/keluar']")
    assert sign_out.count() > 0, f"{page.url}: no sign-out form posting to /keluar"
    assert (sign_out.first.get_attribute("method") or "get").lower() == "post", "the sign-out form is not POST"
    expect(sign_out.first.get_by_role("button", name="Keluar", include_hidden=True)).to_have_count(1)


# 1. Every person signs in and finds their tasks.
def test_each_person_signs_in_and_sees_their_tasks(person, base_url, credentials, open_page):
    if person is None:
        pytest.fail("no people file (JEMBATAN_PEOPLE_FILE)")
    role = person["role"]
    width = 375 if role in ("producer", "head") else 1280
    page, _ = open_page(width)

    goto(page, base_url, "/masuk")
    assert page.title().startswith("Jembatan — "), f"/masuk: title {page.title()!r}"
    expect(page.get_by_text("Nama pengguna", exact=True)).to_be_visible()
    expect(page.get_by_text("Kata sandi", exact=True)).to_be_visible()
    csrf = page.locator("input[type=hidden][name=_csrf]")
    expect(csrf).to_have_count(1)
    assert (csrf.get_attribute("value") or "").strip(), "/masuk: the _csrf input is empty"

    sign_in(page, base_url, person["username"], credentials[person["username"]])
    check_layout(page, role)

    task = person.get("expectTask")
    if task:
        wanted = " ".join(task.split())
        # The demo has waited for its steps; the read model behind the page may still be a moment
        # behind, so reload for up to 20 s before calling the task missing.
        for attempt in range(21):
            if wanted in page_text(page):
                break
            if attempt == 20:
                page.screenshot(path=str(ARTIFACTS / f"tugas-{role}.png"), full_page=True)
                pytest.fail(f"{person['username']} ({role}): {wanted!r} is not on Tugas saya: {page_text(page)[:600]}")
            page.wait_for_timeout(1000)
            goto(page, base_url, "/")
    page.screenshot(path=str(ARTIFACTS / f"tugas-{role}.png"), full_page=True)


# 2. At 375 px nothing scrolls sideways.
def test_pages_fit_a_375px_phone(people, base_url, credentials, open_page):
    head = person_with_role(people, "head")
    page, _ = open_page(375)
    sign_in(page, base_url, head["username"], credentials[head["username"]])
    pages = list(NARROW_PAGES) + [(first_request_path(page, base_url), "permohonan-detail")]
    too_wide = []
    for path, name in pages:
        goto(page, base_url, path)
        check_layout(page, "head")
        size = page.evaluate(OVERFLOW_JS)
        if size["scrollWidth"] > size["innerWidth"]:
            too_wide.append(f"{path}: scrollWidth {size['scrollWidth']} > {size['innerWidth']}; wide: {size['wide']}")
        page.screenshot(path=str(ARTIFACTS / f"narrow-{name}.png"), full_page=True)
    assert not too_wide, "pages scroll sideways at 375 px:\n  " + "\n  ".join(too_wide)


# 2b. The request letter (naskah dinas): listed on the request page with its number, opened from there.
def test_request_letter_is_numbered_and_opens(people, base_url, credentials, open_page):
    head = person_with_role(people, "head")
    page, _ = open_page(1280)
    sign_in(page, base_url, head["username"], credentials[head["username"]])
    goto(page, base_url, first_request_path(page, base_url))
    link = page.get_by_role("link", name="Surat Permohonan Integrasi dan Pertukaran Data")
    expect(link).to_have_count(1)
    listed = page.locator("li", has=link).inner_text()
    number = re.search(r"nomor (\S+)", listed)
    assert number, f"the letter is listed without its number: {listed!r}"
    link.click()
    page.wait_for_load_state()
    assert number.group(1) in page_text(page), "the document's page shows its number"
    page.get_by_role("link", name="Baca naskah").click()
    page.wait_for_load_state()
    text = page_text(page)
    assert number.group(1) in text and "Perihal" in text, f"the letter does not show its number: {text[:300]!r}"
    page.screenshot(path=str(ARTIFACTS / "surat-permohonan.png"), full_page=True)


# 2b. The producer signs a letter by typing their password; anyone checks it from the QR's address.
def test_producer_signs_the_letter_and_anyone_verifies_it(people, base_url, credentials, open_page, tmp_path):
    producer = person_with_role(people, "producer")
    page, _ = open_page(1280)
    sign_in(page, base_url, producer["username"], credentials[producer["username"]])
    goto(page, base_url, "/")
    # The request waiting for the producer: its letter is not signed yet (the demo signs only its own walk).
    page.get_by_role("link", name=re.compile("imunisasi dasar")).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Surat Permohonan Integrasi dan Pertukaran Data").click()
    page.wait_for_load_state()
    assert "Tanda tangani" in page_text(page), page_text(page)[:400]
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya-1")
    page.get_by_role("button", name="Tanda tangani").click()
    page.wait_for_load_state()
    assert "Kata sandi salah" in page_text(page)
    page.get_by_label("Kata sandi").fill(credentials[producer["username"]])
    page.get_by_role("button", name="Tanda tangani").click()
    page.wait_for_load_state()
    text = page_text(page)
    assert "Naskah ditandatangani" in text and "NIP" in text, text[:400]
    page.screenshot(path=str(ARTIFACTS / "naskah-ditandatangani.png"), full_page=True)
    pdf_href = page.get_by_role("link", name="Unduh PDF bertanda tangan").get_attribute("href")
    pdf = page.request.get(base_url + pdf_href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    signed = tmp_path / "surat.pdf"
    signed.write_bytes(pdf.body())
    changed = tmp_path / "surat-diubah.pdf"
    body = bytearray(pdf.body())
    body[len(body) // 2] ^= 0x20
    changed.write_bytes(bytes(body))
    verify_href = page.get_by_role("link", name="Periksa keaslian").get_attribute("href")
    # Someone not signed in: the seal holds; the same file is valid, a changed one is not.
    anyone, _ = open_page(390)
    goto(anyone, base_url, verify_href)
    assert "Segel sah" in page_text(anyone)
    anyone.get_by_label(re.compile("Berkas PDF naskah")).set_input_files(str(signed))
    anyone.get_by_role("button", name="Periksa").click()
    anyone.wait_for_load_state()
    assert "Berkas sah" in page_text(anyone) and "Berkas tidak sah" not in page_text(anyone)
    anyone.get_by_label(re.compile("Berkas PDF naskah")).set_input_files(str(changed))
    anyone.get_by_role("button", name="Periksa").click()
    anyone.wait_for_load_state()
    assert "Berkas tidak sah" in page_text(anyone)
    anyone.screenshot(path=str(ARTIFACTS / "verifikasi-375.png"), full_page=True)
    assert anyone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# 3. Every visible form field has a label.
def test_every_form_field_has_a_label(people, base_url, credentials, open_page):
    missing = []

    def check(page, what):
        for html in page.evaluate(UNLABELLED_JS):
            missing.append(f"{what} ({path_of(page)}): {html}")

    page, _ = open_page(1280)
    goto(page, base_url, "/masuk")
    check(page, "sign-in")

    head = person_with_role(people, "head")
    sign_in(page, base_url, head["username"], credentials[head["username"]])
    for path, _ in NARROW_PAGES:
        goto(page, base_url, path)
        check(page, "head")
    goto(page, base_url, first_request_path(page, base_url))
    check(page, "head")

    producer = person_with_role(people, "producer")
    page, _ = open_page(1280)
    sign_in(page, base_url, producer["username"], credentials[producer["username"]])
    goto(page, base_url, first_request_path(page, base_url))
    check(page, "producer")

    admin = person_with_role(people, "admin")
    page, _ = open_page(1280)
    sign_in(page, base_url, admin["username"], credentials[admin["username"]])
    goto(page, base_url, "/akun")
    check(page, "admin")
    expect(page.get_by_label("Kata sandi saat ini", exact=True)).to_have_count(1)
    goto(page, base_url, "/admin/akun")
    check_layout(page, "admin")
    assert "Buat akun" in page_text(page), "/admin/akun has no 'Buat akun' form"
    check(page, "admin")
    assert not missing, "form fields without a label:\n  " + "\n  ".join(missing)


# 5. Nothing is fetched from anywhere but the workspace (every page of the nav, a request page).
def test_no_request_leaves_the_workspace(people, base_url, credentials, open_page):
    page, guard = open_page(1280)
    goto(page, base_url, "/masuk")
    head = person_with_role(people, "head")
    sign_in(page, base_url, head["username"], credentials[head["username"]])
    for path, _ in NARROW_PAGES:
        goto(page, base_url, path)
    goto(page, base_url, first_request_path(page, base_url))
    goto(page, base_url, UNKNOWN_REQUEST, status=404)
    admin = person_with_role(people, "admin")
    page, admin_guard = open_page(1280)
    sign_in(page, base_url, admin["username"], credentials[admin["username"]])
    goto(page, base_url, "/admin/akun")
    offsite = guard.offsite + admin_guard.offsite
    assert not offsite, "requests left the workspace (aborted):\n  " + "\n  ".join(offsite)


# 6. An unknown request, and another agency's, is a 404 page that keeps the workspace's layout.
def test_not_found_keeps_the_layout(people, base_url, credentials, open_page):
    head = person_with_role(people, "head")
    page, _ = open_page(375)
    sign_in(page, base_url, head["username"], credentials[head["username"]])
    goto(page, base_url, UNKNOWN_REQUEST, status=404)
    expect(nav_link(page, "Tugas saya").first).to_be_attached()
    check_layout(page, "head")
    page.screenshot(path=str(ARTIFACTS / "narrow-404.png"), full_page=True)

    producer = person_with_role(people, "producer")
    page, _ = open_page(1280)
    sign_in(page, base_url, producer["username"], credentials[producer["username"]])
    owned = first_request_path(page, base_url)
    goto(page, base_url, owned)

    consumer = person_with_role(people, "consumer")
    assert consumer.get("agency") != producer.get("agency"), "the consumer and the producer share an agency"
    page, _ = open_page(1280)
    sign_in(page, base_url, consumer["username"], credentials[consumer["username"]])
    goto(page, base_url, owned, status=404)
    check_layout(page, "consumer")


# 4. Keyboard only: sign in, change the password, sign out, sign in with the new one (the consumer).
def test_keyboard_only_sign_in_and_password_change(people, base_url, credentials, open_page):
    consumer = person_with_role(people, "consumer")
    username, old = consumer["username"], credentials[consumer["username"]]
    new = "Jembatan-" + secrets.token_urlsafe(12)
    page, _ = open_page(1280)

    def keyboard_sign_in(password):
        goto(page, base_url, "/masuk")
        keyboard_focus(page, "el.name === 'username'", "the username field")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "password", "Tab from the username does not reach the password"
        page.keyboard.type(password)
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")

    keyboard_sign_in(old)
    assert path_of(page) == "/", f"keyboard sign-in ended at {page.url}: {page_text(page)[:300]}"
    expect(page.get_by_role("heading", level=1, name="Tugas saya")).to_be_visible()

    goto(page, base_url, "/akun")
    expect(page.get_by_role("heading", level=1, name="Akun saya")).to_be_visible()
    for name, value in (("current", old), ("new", new), ("confirm", new)):
        keyboard_focus(page, f"el.name === '{name}'", f"the field {name!r}")
        page.keyboard.type(value)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Kata sandi diganti")
    credentials[username] = new

    if path_of(page) != "/masuk":  # a workspace that ends the session with the change has signed out already
        keyboard_focus(page, "el.textContent.trim() === 'Keluar'", "the button 'Keluar'", limit=100)
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
    goto(page, base_url, "/")
    assert path_of(page) == "/masuk", f"after signing out / shows {page.url}, not the sign-in page"

    keyboard_sign_in(old)
    assert path_of(page) == "/masuk", "the old password still signs in"
    expect(page.locator("body")).to_contain_text("salah")

    keyboard_sign_in(new)
    assert path_of(page) == "/", f"the new password does not sign in: {page.url}: {page_text(page)[:300]}"
    expect(page.get_by_role("heading", level=1, name="Tugas saya")).to_be_visible()


# Last: a wrong password says so, and repeated failures stop further attempts (locks the consumer).
def test_wrong_password_then_too_many_attempts(people, base_url, open_page):
    consumer = person_with_role(people, "consumer")
    page, _ = open_page(1280)
    messages = []
    for attempt in range(1, 7):
        goto(page, base_url, "/masuk")
        page.get_by_label("Nama pengguna", exact=True).fill(consumer["username"])
        page.get_by_label("Kata sandi", exact=True).fill(f"salah-{attempt}-{secrets.token_hex(4)}")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Masuk", exact=True).click()
        assert path_of(page) != "/", f"attempt {attempt} with a wrong password signed in"
        text = page_text(page)
        messages.append(text[:200])
        if attempt == 1:
            assert "salah" in text, f"a wrong password does not say 'salah': {text[:300]}"
            expect(page.get_by_label("Nama pengguna", exact=True)).to_be_visible()
        if "Terlalu banyak percobaan" in text:
            return
    pytest.fail("six wrong passwords in a row never answered 'Terlalu banyak percobaan':\n  " + "\n  ".join(messages))
