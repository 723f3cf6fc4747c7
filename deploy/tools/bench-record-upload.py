"""A file of records pushed through the workspace's form against the same file pushed straight to
the hub with a write key: time and the workspace's peak memory. Run against `make run`'s stack
(`make bench-upload`, MB=30 by default); it needs a provisioned dataset of the producer
`operator.dinkes` with the columns kode_posyandu, nama_posyandu, jumlah_kader (walk one request as
`make run` prints, naming the dataset with "posyandu"). The direct push is the limit the workspace
is measured against: the workspace adds the multipart reading, the temporary file and one more hop."""

import json, os, re, subprocess, sys, tempfile, time
from playwright.sync_api import sync_playwright

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
stack = os.path.join(root, ".local", "stack")
base = os.environ.get("JEMBATAN_WORKSPACE_URL", "http://127.0.0.1:8080")
hub = os.environ.get("JEMBATAN_HUB_URL", "http://127.0.0.1:8083")
megabytes = int(os.environ.get("MB", "30"))
people = {p["role"]: p for p in json.load(open(os.path.join(stack, "people.json")))["people"]}
pid = open(os.path.join(stack, "pids", "workspace.pid")).read().strip()


def memory():
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return int(fields["VmHWM"].split()[0]) // 1024, int(fields["VmRSS"].split()[0]) // 1024


def record_file(prefix):
    """About MB megabytes of new rows (keys starting with `prefix`: each push inserts, neither updates)."""
    file = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    count = 0
    file.write("kode_posyandu,nama_posyandu,jumlah_kader\n")
    while file.tell() < megabytes * 1024 * 1024:
        file.write("".join(f"{prefix}{i:07d},Posyandu uji {i},{i % 9 + 1}\n" for i in range(count, count + 10000)))
        count += 10000
    file.close()
    return file.name, count


stamp = time.strftime("%H%M%S")
records, rows = record_file("D" + stamp)
second, _ = record_file("W" + stamp)
third, _ = record_file("X" + stamp)
size = os.path.getsize(records) / 1048576

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("JEMBATAN_BROWSER", "/usr/bin/chromium"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/masuk")
    page.get_by_label("Nama pengguna").fill(people["producer"]["username"])
    page.get_by_label("Kata sandi").fill(people["producer"]["password"])
    page.get_by_role("button", name="Masuk").click()
    page.goto(base + "/katalog")
    hrefs = [a.get_attribute("href") for a in page.locator("tr", has_text="posyandu").locator('a[href^="/katalog/"]').all()]
    form = None
    for href in hrefs:
        page.goto(base + href)
        html = page.content()
        form = re.search(r'data-label="Hak">kirim[^<]*</td>.*?action="([^"]+/kunci/[^"]+)"', html)
        if form:
            break
    if not form:
        sys.exit("no posyandu dataset of operator.dinkes with its write key still to collect: walk a request first (see make run's output)")
    dataset = href.rsplit("/", 1)[1]
    csrf = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    key = re.search(r'class="secret">(jbk_[^<]+)<', page.request.post(base + form.group(1), form={"_csrf": csrf}).text()).group(1)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    browser.close()

def push_direct(path):
    start = time.monotonic()
    status = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Authorization: Bearer {key}",
         "-H", "Content-Type: text/csv", "--data-binary", "@" + path, f"{hub}/v1/datasets/{dataset}/records"],
        capture_output=True, text=True).stdout
    return status, time.monotonic() - start


# Direct, through the workspace, direct again: the table grows with each push, so the workspace's
# push is compared with the mean of the pushes on either side of it.
before = memory()
direct, direct_seconds = push_direct(records)
start = time.monotonic()
through = subprocess.run(
    ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Cookie: {cookies}", "-F", f"_csrf={csrf}",
     "-F", f"berkas=@{second};filename=rekaman.csv;type=text/csv", f"{base}/katalog/{dataset}/rekaman"],
    capture_output=True, text=True).stdout
through_seconds = time.monotonic() - start
after = memory()
again, again_seconds = push_direct(third)
for path in (records, second, third):
    os.unlink(path)
mean = (direct_seconds + again_seconds) / 2
print(f"record file: {size:.1f} MB, {rows} rows, three times (new keys each time)")
print(f"  straight to the hub (write key):  HTTP {direct}, {again}  {direct_seconds:.1f} s and {again_seconds:.1f} s")
print(f"  through the workspace's form:     HTTP {through}  {through_seconds:.1f} s"
      f"  ({through_seconds / mean:.2f} x the direct pushes' mean)")
print(f"  workspace memory: peak {before[0]} -> {after[0]} MB (resident {before[1]} -> {after[1]} MB) for a {size:.0f} MB file")
