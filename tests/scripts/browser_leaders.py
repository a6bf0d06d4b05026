"""The Zalo text and the leaders' pages in a real browser (Debian's chromium
through chromedriver, driven by Selenium), as a clerk and a leader use them.

Run by tests/leaders.rs (`in_a_browser_and_on_paper`) against a console it
started: python3 browser_leaders.py BASE_URL SHOTS_DIR CLERK_NAME
CLERK_PASSWORD INSTANCE_PATH EXPECTED_TEXT. Exits non-zero, saying why, on
the first check that fails; saves a screenshot of each step in SHOTS_DIR,
/leaders/late printed on A4 as late-a4.pdf, the overview as overview-a4.pdf.
"""

import base64
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, shots, clerk, clerk_pw, instance, expected = sys.argv[1:7]
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


def check(ok, what):
    if not ok:
        driver.save_screenshot(os.path.join(shots, "failed.png"))
        print(f"FAILED: {what} (at {driver.current_url})", file=sys.stderr)
        driver.quit()
        sys.exit(1)


def shot(name):
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))


def phone(on):
    """A phone's viewport (390 × 844, touch), or the desktop again."""
    if on:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def no_sideways_scrolling(what):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    view = driver.execute_script("return window.innerWidth")
    check(width <= view, f"{what}: {width} px wide in a {view} px viewport")


def wait_for(condition, what):
    try:
        WebDriverWait(driver, 10).until(lambda d: condition())
    except Exception:
        check(False, what)


driver.get(base + "/login")
driver.find_element(By.NAME, "username").send_keys(clerk)
driver.find_element(By.NAME, "password").send_keys(clerk_pw)
driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
WebDriverWait(driver, 15).until(lambda d: d.current_url.rstrip("/") == base)

# 1. The Zalo button, with the clipboard allowed (127.0.0.1 is a secure
#    context): one click puts the whole text on the clipboard.
driver.execute_cdp_cmd("Browser.grantPermissions", {
    "origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
})
driver.get(base + instance)
button = driver.find_element(By.CSS_SELECTOR, ".zalo button.copy")
check(button.is_displayed(), "the script shows the copy button")
box = driver.find_element(By.CSS_SELECTOR, ".zalo textarea")
check(not box.is_displayed(), "the text waits out of sight")
button.click()
status = driver.find_element(By.CSS_SELECTOR, ".zalo .copied")
wait_for(lambda: status.text != "", "the button says what it did")
copied = driver.execute_async_script(
    "const done = arguments[arguments.length - 1];"
    "navigator.clipboard.readText().then(done, e => done('ERROR ' + e));"
)
check(copied == expected, f"the clipboard holds the text:\n{copied!r}\n!=\n{expected!r}")
check(status.text.startswith("Đã chép"), f"copied: {status.text}")
shot("01-zalo-copied")

# 2. Without the clipboard API (plain http on the office network): the box
#    appears, its whole text selected, ready for Ctrl+C or a long press.
driver.get(base + instance)
driver.execute_script(
    "Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true});"
)
driver.find_element(By.CSS_SELECTOR, ".zalo button.copy").click()
box = driver.find_element(By.CSS_SELECTOR, ".zalo textarea")
wait_for(box.is_displayed, "the text box appears without the clipboard")
value = box.get_attribute("value")
check(value == expected, f"the box holds the text:\n{value!r}")
selected = driver.execute_script(
    "const b = arguments[0]; return [b.selectionStart, b.selectionEnd, b.value.length,"
    " document.activeElement === b];", box)
check(selected[0] == 0 and selected[1] == selected[2] and selected[3],
      f"the whole text selected and focused: {selected}")
status = driver.find_element(By.CSS_SELECTOR, ".zalo .copied").text
check(status != "", "the button says what to do")
shot("02-zalo-selected")

# 3. /leaders, on a desktop and on a phone (cards, nothing sideways).
driver.get(base + "/leaders")
check(len(driver.find_elements(By.CSS_SELECTOR, "tr[id^=rank-]")) > 0, "the ranking has rows")
shot("03-leaders-1366")
phone(True)
driver.get(base + "/leaders")
no_sideways_scrolling("/leaders at 390 px")
shot("04-leaders-390")
driver.get(base + "/leaders/late")
no_sideways_scrolling("/leaders/late at 390 px")
shot("05-late-390")
phone(False)

# 4. /leaders/late on paper: A4 with the office's margins, the header row
#    repeated, no navigation or button, names broken between words only.
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
driver.get(base + "/leaders/late")
check(not driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed(), "no navigation on paper")
check(not driver.find_element(By.CSS_SELECTOR, "button.print").is_displayed(), "no button on paper")
heads = driver.execute_script(
    "return [...document.querySelectorAll('.doc-table thead')].map(t => getComputedStyle(t).display);")
check(heads and all(h == "table-header-group" for h in heads), f"the header row repeats: {heads}")
styles = driver.execute_script(
    """return [...document.querySelectorAll('.doc-table td.name')].map(td => {
         const s = getComputedStyle(td);
         return [s.wordBreak, s.overflowWrap, s.hyphens].join(' ');
       });"""
)
check(styles and all(s == "keep-all normal manual" for s in styles), f"names whole: {styles}")
shot("06-late-print")
pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
with open(os.path.join(shots, "late-a4.pdf"), "wb") as f:
    f.write(base64.b64decode(pdf["data"]))

# 5. The overview on paper: every overdue agency named, in full.
driver.get(base + "/")
full = driver.find_elements(By.CSS_SELECTOR, ".print-inline, td[data-label='Đơn vị quá hạn']")
check(any(e.is_displayed() for e in full), "the overdue agencies on paper")
check(all(not e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, ".zalo")),
      "no Zalo button on paper")
pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
with open(os.path.join(shots, "overview-a4.pdf"), "wb") as f:
    f.write(base64.b64decode(pdf["data"]))
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

driver.quit()
print("browser: all checks passed; screenshots in " + shots)
