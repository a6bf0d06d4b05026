"""The web console in a real browser (Debian's chromium, driven through
chromedriver by Selenium), as a clerk and a leader use it.

Run by tests/web.rs (`a_real_browser_records_a_submission`) against a
console it started: python3 browser_console.py BASE_URL SHOTS_DIR
CLERK_NAME CLERK_PASSWORD VIEWER_NAME VIEWER_PASSWORD. Exits non-zero,
saying why, on the first check that fails; saves a screenshot of each step
in SHOTS_DIR.
"""

import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, shots, clerk, clerk_pw, viewer, viewer_pw = sys.argv[1:7]
os.makedirs(shots, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--lang=vi",
    "--window-size=1280,900",
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
    # The whole page, not only the window.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height + 120, 600), 4000))
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))


def path():
    return driver.current_url[len(base):]


def click_and_wait(element):
    """Clicks a link or a submit button and waits until the next page has
    loaded (a click does not wait for the navigation it starts)."""
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


def login(name, password):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(password)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


instance = "/instances/p/bao-cao/2025-04-29"

# 1. An anonymous visitor is sent to /login, whatever page they ask for.
for page in ["/", instance, "/agencies/so-y-te", "/admin", "/export/status.csv"]:
    driver.get(base + page)
    check(path().startswith("/login"), f"{page} without login goes to /login")
shot("01-login")

# 2. The clerk logs in and sees the overview.
login(clerk, clerk_pw)
check(path() == "/", "after login, the overview")
check("Tình hình gửi kế hoạch, báo cáo" in driver.page_source, "the overview's heading")
shot("02-overview")

# 3. Opens the instance from the overview.
click_and_wait(driver.find_element(By.LINK_TEXT, "Báo cáo kết quả"))
check(path() == instance, "the instance page")
row = driver.find_element(By.ID, "row-so-y-te")
check(row.get_attribute("data-state") == "pending", "Sở Y tế is pending before")
shot("03-instance")

# 4. A date that does not exist is refused with the command line's message,
#    naming the field; nothing is recorded.
click_and_wait(row.find_element(By.LINK_TEXT, "Ghi nhận"))
check(path().startswith("/record?"), "the record form")
on = driver.find_element(By.NAME, "on")
on.clear()
on.send_keys("31/04/2025 09:00")
click_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Ghi nhận đã nộp']"))
error = driver.find_element(By.CSS_SELECTOR, ".flash.err .text").text
check(error.startswith("Ngày nộp:") and "31/04/2025" in error, f"the refusal names the field: {error}")
check(path().startswith("/record?"), "a refusal comes back to the form")
check("chưa đến hạn" in driver.page_source, "nothing recorded")
shot("04-refused")

# 5. Records Sở Y tế's report with its document number: two clicks from the
#    instance page (the link, then the button).
driver.get(base + instance)
click_and_wait(driver.find_element(By.ID, "row-so-y-te").find_element(By.LINK_TEXT, "Ghi nhận"))
shot("04-record-form")
driver.find_element(By.NAME, "ref").send_keys("125/BC-SYT")
click_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Ghi nhận đã nộp']"))
check(path().startswith(instance), "back on the instance page")
row = driver.find_element(By.ID, "row-so-y-te")
check(row.get_attribute("data-state") == "on_time", "Sở Y tế turned on time")
check("125/BC-SYT" in row.text, "the document number is shown")
check(clerk in row.text, "who recorded it is shown")
flash = driver.find_element(By.CSS_SELECTOR, ".flash.ok .text").text
check("đúng hạn" in flash, f"the confirmation says on time: {flash}")
shot("05-recorded")

# 5b. The mailbox: a message from Sở Ngoại vụ that names the plan and the
#     deadline without replying (read by the test before) waits, marked
#     uncertain; the clerk unfolds its text, reads it, and records it.
click_and_wait(driver.find_element(By.LINK_TEXT, "Thư đến"))
check(path() == "/inbox", "the inbox page")
proposal = driver.find_element(By.ID, "proposal-1")
check("chưa chắc chắn" in proposal.text, "the proposal is marked uncertain")
text = proposal.find_element(By.CSS_SELECTOR, "details.message pre")
check(not text.is_displayed(), "the message's text is folded")
proposal.find_element(By.CSS_SELECTOR, "details.message summary").click()
check(text.is_displayed() and "Sở Ngoại vụ gửi Báo cáo số 9/BC-SNgV" in text.text,
      f"unfolded, the text reads: {text.text}")
check("<script>" not in proposal.text or "alert" in proposal.text, "markup shown as text")
shot("05b-inbox")
click_and_wait(proposal.find_element(By.XPATH, ".//button[normalize-space()='Ghi nhận đã nộp']"))
flash = driver.find_element(By.CSS_SELECTOR, ".flash.ok .text").text
check("Đã ghi nhận đề xuất 1" in flash, f"the confirmation: {flash}")
driver.get(base + instance)
check(driver.find_element(By.ID, "row-so-xss").get_attribute("data-state") == "on_time",
      "Sở Ngoại vụ turned on time")
check("9/BC-SNgV" in driver.find_element(By.ID, "row-so-xss").text, "with the number from the message")

# 6. A phone: the same page, narrow; and the inbox.
driver.set_window_size(390, 844)
driver.get(base + instance)
shot("06-phone")
driver.get(base + "/inbox?all=1")
shot("06b-phone-inbox")
driver.set_window_size(1280, 900)

# 7. Printed: navigation and buttons are left out.
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
driver.get(base + instance)
check(not driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed(), "no header in print")
shot("07-print")
driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

# 8. Logs out.
click_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Đăng xuất']"))
check(path().startswith("/login"), "logged out, at /login")
driver.get(base + "/")
check(path().startswith("/login"), "the session is gone")

# 9. A leader (viewer) sees the page without the record buttons, and a
#    forged POST from their session is refused.
login(viewer, viewer_pw)
driver.get(base + instance)
check(not driver.find_elements(By.LINK_TEXT, "Ghi nhận"), "no record button for a viewer")
check("125/BC-SYT" in driver.page_source, "the viewer sees the submission")
status = driver.execute_async_script(
    """
    const done = arguments[arguments.length - 1];
    fetch('/record/submit', {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'plan=p&obligation=bao-cao&period=2025-04-29&agency=cong-an-tinh&on=28%2F04%2F2025'})
      .then(r => done(r.status)).catch(e => done(String(e)));
    """
)
check(status == 403, f"a viewer's forged POST is refused with 403, got {status}")
driver.get(base + instance)
check(
    driver.find_element(By.ID, "row-cong-an-tinh").get_attribute("data-state") == "pending",
    "the forged POST recorded nothing",
)
shot("08-viewer")
driver.quit()
print("browser: all checks passed; screenshots in " + shots)
