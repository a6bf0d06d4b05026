"""The clerk's writes in a real browser (Debian's chromium through
chromedriver, driven by Selenium), on a phone: a bulk record refused for a
date June does not have, which keeps every value typed and every row
ticked and records nothing; the same batch corrected and recorded; its
undo; a note from the call list; the call list on A4.

Run by tests/clerk.rs (`a_clerk_s_writes_on_a_phone`) against a console it
started a week after the fixture's deadline, nothing recorded: python3
browser_clerk.py BASE_URL SHOTS_DIR CLERK_NAME CLERK_PASSWORD. Exits
non-zero, saying why, on the first check that fails; saves a screenshot of
each step in SHOTS_DIR, and the call list printed on A4 as calls-a4.pdf.
"""

import base64
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, shots, clerk, clerk_pw = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--lang=vi",
    "--window-size=1366,900", "--hide-scrollbars",
]:
    options.add_argument(flag)
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
driver.set_page_load_timeout(30)
instance = "/instances/p/bao-cao/2025-04-29"


def check(ok, what):
    if not ok:
        driver.save_screenshot(os.path.join(shots, "failed.png"))
        print(f"FAILED: {what} (at {driver.current_url})", file=sys.stderr)
        driver.quit()
        sys.exit(1)


def shot(name):
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))


def _stale(element):
    try:
        element.tag_name
        return False
    except Exception:
        return True


def click_and_wait(element):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    WebDriverWait(driver, 15).until(
        lambda d: _stale(old) and d.execute_script("return document.readyState") == "complete"
    )


def phone(on):
    if on:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def no_sideways_scrolling(what):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    view = driver.execute_script("return window.innerWidth")
    check(width <= view, f"{what}: {width} px wide in a {view} px viewport")


def in_view(element, what):
    top, bottom = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", element)
    height = driver.execute_script("return window.innerHeight")
    check(top >= 0 and bottom <= height, f"{what} on screen ({top}–{bottom} of {height} px)")


def states():
    return {r.get_attribute("id")[4:]: r.get_attribute("data-state")
            for r in driver.find_elements(By.CSS_SELECTOR, "tr[id^=row-]")}


def field(name):
    return driver.find_element(By.CSS_SELECTOR, f"form#bulk [name={name}]")


def fill(name, text):
    box = field(name)
    box.clear()
    box.send_keys(text)


driver.get(base + "/login")
driver.find_element(By.NAME, "username").send_keys(clerk)
driver.find_element(By.NAME, "password").send_keys(clerk_pw)
click_and_wait(driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))

# 1. On a phone: tick two rows, a date June does not have. Refused, with
#    every value and tick kept, and nothing recorded.
phone(True)
driver.get(base + instance)
no_sideways_scrolling("the instance page at 390 px")
check(set(states().values()) == {"overdue"}, f"all overdue: {states()}")
for agency in ["cong-an-tinh", "so-y-te"]:
    box = driver.find_element(By.CSS_SELECTOR, f"#row-{agency} input.tick")
    driver.execute_script("window.scrollTo(0, 0); arguments[0].scrollIntoView({block: 'start'})", box)
    box.click()
    # Once a row is ticked, the bulk record's button stays on screen.
    in_view(driver.find_element(By.CSS_SELECTOR, "form#bulk button[type=submit]"),
            f"the bulk record button, {agency} ticked")
fill("on", "31/06/2025 09:00")
fill("ref", "999/BC")
fill("note", "Gửi chung một công văn")
shot("01-phone-bulk-typed")
click_and_wait(driver.find_element(By.CSS_SELECTOR, "form#bulk button[type=submit]"))
flash = driver.find_element(By.CSS_SELECTOR, ".flash.err")
check("tháng 6 năm 2025 chỉ có 30 ngày" in flash.text, f"the reason: {flash.text}")
in_view(flash, "the refusal")
check(field("on").get_attribute("value") == "31/06/2025 09:00", "the date kept as typed")
check(field("on").get_attribute("aria-invalid") == "true", "the date marked")
check(field("ref").get_attribute("value") == "999/BC", "the number kept")
check(field("note").get_attribute("value") == "Gửi chung một công văn", "the note kept")
ticked = [b.get_attribute("value") for b in driver.find_elements(By.CSS_SELECTOR, "input.tick") if b.is_selected()]
check(sorted(ticked) == ["cong-an-tinh", "so-y-te"], f"the ticks kept: {ticked}")
check(set(states().values()) == {"overdue"}, f"nothing recorded: {states()}")
no_sideways_scrolling("the refused page at 390 px")
shot("02-phone-bulk-refused")

# 2. The date corrected: both recorded at once, late.
fill("on", "05/05/2025 14:00")
click_and_wait(driver.find_element(By.CSS_SELECTOR, "form#bulk button[type=submit]"))
flash = driver.find_element(By.CSS_SELECTOR, ".flash.ok")
check("Đã ghi nhận 2 đơn vị" in flash.text, f"the confirmation: {flash.text}")
in_view(flash, "the confirmation")
now = states()
check(now["so-y-te"] == "late" and now["cong-an-tinh"] == "late" and now["so-xss"] == "overdue",
      f"two recorded: {now}")
shot("03-phone-bulk-recorded")

# 3. Undone from the confirmation: both overdue again.
click_and_wait(driver.find_element(By.CSS_SELECTOR, ".flash form.undo button"))
flash = driver.find_element(By.CSS_SELECTOR, ".flash.ok .text")
check(flash.text.startswith("Đã hoàn tác: Đã ghi nhận 2 đơn vị"), f"undone: {flash.text}")
# The × puts the confirmation away.
driver.find_element(By.CSS_SELECTOR, ".flash button.dismiss").click()
check(not driver.find_element(By.CSS_SELECTOR, ".flash").is_displayed(), "the confirmation put away")
check(set(states().values()) == {"overdue"}, f"undone: {states()}")
shot("04-phone-undone")

# 4. The call list on the phone: a note after the call.
driver.get(base + "/calls")
no_sideways_scrolling("the call list at 390 px")
calls = [li.get_attribute("id")[4:] for li in driver.find_elements(By.CSS_SELECTOR, "li.call")]
check(len(calls) == 3, f"three agencies to call: {calls}")
tel = driver.find_element(By.CSS_SELECTOR, "#row-so-y-te a.tel")
check(tel.get_attribute("href") == "tel:02583822123", "the number dials")
box = driver.find_element(By.CSS_SELECTOR, "#row-so-y-te form.note-form input[name=note]")
box.send_keys("Đã gọi chị Lan, hẹn thứ Sáu gửi")
click_and_wait(driver.find_element(By.CSS_SELECTOR, "#row-so-y-te form.note-form button"))
check(driver.current_url.endswith("/calls#row-so-y-te"), f"back at the agency: {driver.current_url}")
note = driver.find_element(By.CSS_SELECTOR, "#row-so-y-te .note")
check("«Đã gọi chị Lan, hẹn thứ Sáu gửi»" in note.text and clerk in note.text, f"the note: {note.text}")
shot("05-phone-calls")

# Every other page a clerk opens reads on the phone without sideways scrolling.
for page, name in [(instance, "instance"), ("/record?plan=p&obligation=bao-cao&period=2025-04-29&agency=so-xss", "record"),
                   ("/inbox?all=1", "inbox"), ("/agencies", "agencies"), ("/", "overview")]:
    driver.get(base + page)
    no_sideways_scrolling(f"the {name} page at 390 px")
shot("05b-phone-overview")
phone(False)

# 5. The note on the instance page, at the agency's row (desktop); a
#    submission recorded from its form at 1366 px: back at the row, the
#    confirmation and its undo still on screen; then undone.
driver.get(base + "/record?plan=p&obligation=bao-cao&period=2025-04-29&agency=so-xss")
click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action='/record/submit'] button[type=submit]"))
check(driver.current_url.endswith("#row-so-xss"), f"back at the row: {driver.current_url}")
in_view(driver.find_element(By.CSS_SELECTOR, ".flash.ok"), "the confirmation at 1366 px")
in_view(driver.find_element(By.CSS_SELECTOR, ".flash form.undo button"), "the undo at 1366 px")
shot("05c-desktop-recorded")
click_and_wait(driver.find_element(By.CSS_SELECTOR, ".flash form.undo button"))
driver.get(base + instance)
note = driver.find_element(By.CSS_SELECTOR, "#row-so-y-te .note")
check("Đã gọi chị Lan" in note.text, f"the note on the instance page: {note.text}")
shot("06-instance-note")

# 6. The call list on A4: no forms, names whole.
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
driver.get(base + "/calls")
check(not driver.find_element(By.CSS_SELECTOR, "form.note-form").is_displayed(), "no forms on paper")
shot("07-calls-print")
pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
with open(os.path.join(shots, "calls-a4.pdf"), "wb") as f:
    f.write(base64.b64decode(pdf["data"]))
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

driver.quit()
print("browser: all checks passed; screenshots in " + shots)
