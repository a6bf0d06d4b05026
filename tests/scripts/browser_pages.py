"""Who is late, first, on a phone and on paper: the instance and agencies
pages in a real browser (Debian's chromium through chromedriver, driven by
Selenium), as a clerk uses them.

Run by tests/pages.rs (`on_a_phone_and_on_paper`) against a console it
started, a week after the fixture's deadline: python3 browser_pages.py
BASE_URL SHOTS_DIR CLERK_NAME CLERK_PASSWORD. Exits non-zero, saying why, on
the first check that fails; saves a screenshot of each step in SHOTS_DIR,
and the instance page printed on A4 as instance-a4.pdf.
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


def path():
    return driver.current_url[len(base):]


def click_and_wait(element):
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(
        lambda d: _stale(old) and d.execute_script("return document.readyState") == "complete"
    )


def _stale(element):
    try:
        element.tag_name
        return False
    except Exception:
        return True


def rows():
    return [r.get_attribute("id")[4:] for r in driver.find_elements(By.CSS_SELECTOR, "tr[id^=row-]")]


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


driver.get(base + "/login")
driver.find_element(By.NAME, "username").send_keys(clerk)
driver.find_element(By.NAME, "password").send_keys(clerk_pw)
click_and_wait(driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))

# 1. The instance page: the longest overdue at the top, the exempt last.
driver.get(base + instance)
order = rows()
check(order[0] == "so-xss" and order[-1] == "so-noi-vu", f"late first: {order}")
shot("01-instance")

# 2. Only the overdue ones, by their link; then a search without tones.
click_and_wait(driver.find_element(By.CSS_SELECTOR, "a.chip.overdue"))
check(rows() == ["so-xss", "ubnd-dien-khanh", "cong-an-tinh"], f"overdue only: {rows()}")
box = driver.find_element(By.NAME, "q")
box.send_keys("dien khanh")
click_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Tìm']"))
check(rows() == ["ubnd-dien-khanh"], f"found: {rows()}")
check("state=overdue" in path() and "q=dien+khanh" in path(), f"the search keeps the filter: {path()}")
shot("02-filtered")

# 3. On a phone: cards, no sideways scrolling, every record button on screen.
phone(True)
driver.get(base + instance)
no_sideways_scrolling("the instance page at 390 px")
check(not driver.find_element(By.CSS_SELECTOR, "table.cards thead").is_displayed(), "no header row on a phone")
view = driver.execute_script("return window.innerWidth")
buttons = driver.find_elements(By.LINK_TEXT, "Ghi nhận")
check(len(buttons) == 7, f"a record button per agency: {len(buttons)}")
for b in buttons:
    right = driver.execute_script("return arguments[0].getBoundingClientRect().right", b)
    check(b.is_displayed() and right <= view, f"a record button within the screen ({right} px)")
phone_link = driver.find_element(By.CSS_SELECTOR, "#row-so-y-te a.tel")
check(phone_link.get_attribute("href") == "tel:02583822123", "the phone number dials")
shot("03-phone-instance")
driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
shot("03b-phone-instance-end")

# 4. The agency, then all agencies by the breadcrumb, on the phone too.
click_and_wait(driver.find_element(By.CSS_SELECTOR, "#row-so-y-te td.name > a"))
no_sideways_scrolling("the agency page at 390 px")
shot("04-phone-agency")
click_and_wait(driver.find_element(By.CSS_SELECTOR, ".crumbs a[href='/agencies']"))
check(path() == "/agencies", "the breadcrumb leads to the agencies")
no_sideways_scrolling("the agencies page at 390 px")
first = driver.find_element(By.CSS_SELECTOR, "tr[id^=agency-]").get_attribute("id")
check(first == "agency-so-xss", f"the longest overdue agency first: {first}")
shot("05-phone-agencies")
phone(False)

# 5. On paper: A4, no filters or buttons, names never broken inside a word.
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
driver.get(base + instance)
check(not driver.find_element(By.CSS_SELECTOR, "nav.filters").is_displayed(), "no filters on paper")
styles = driver.execute_script(
    """return [...document.querySelectorAll('td.name')].map(td => {
         const s = getComputedStyle(td);
         return [s.wordBreak, s.overflowWrap, s.hyphens].join(' ');
       });"""
)
check(all(s == "normal normal manual" for s in styles), f"names break between words only: {styles}")
shot("06-print")
pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
with open(os.path.join(shots, "instance-a4.pdf"), "wb") as f:
    f.write(base64.b64decode(pdf["data"]))
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

driver.quit()
print("browser: all checks passed; screenshots in " + shots)
