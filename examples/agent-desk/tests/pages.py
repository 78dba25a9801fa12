"""Page objects: one class per page of the desk, holding its fields and actions."""

import io
import urllib.parse
from dataclasses import dataclass

from typing import Dict, List, Optional

import zxingcpp
from PIL import Image
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


class Page:
    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> List[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def submit(self, css: str) -> None:
        """Clicks a submit button and waits until the next page has replaced this one."""
        old = self.find("html")
        self.find(css).click()

        def replaced(_: WebDriver) -> bool:
            try:
                old.tag_name  # noqa: B018 - raises once the old page is gone
                return False
            except WebDriverException:  # stale, or gone from the document mid-navigation
                return True

        WebDriverWait(self.driver, 20).until(replaced)

    def heading(self) -> str:
        return self.find("h1").text

    def wait_for(self, css: str, timeout: float = 10) -> WebElement:
        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def screenshot(self, path: object) -> None:
        """The whole page (the window grows to the page's height for the shot)."""
        size = self.driver.get_window_size()
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.driver.set_window_size(size["width"], min(max(height + 140, 600), 2400))
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.set_window_size(size["width"], size["height"])

    def drop_csrf(self, form_css: str) -> None:
        self.driver.execute_script(
            "document.querySelector(arguments[0] + ' input[name=csrf_token]').remove()", form_css
        )

    def set_hidden(self, form_css: str, name: str, value: str) -> None:
        self.driver.execute_script(
            "var f = document.querySelector(arguments[0]);"
            "f.querySelector('[name=' + arguments[1] + ']').removeAttribute('maxlength');"
            "f.querySelector('[name=' + arguments[1] + ']').value = arguments[2];",
            form_css,
            name,
            value,
        )

    def post_raw(self, path: str, body_bytes: List[int]) -> Dict[str, object]:
        """POST raw bytes as a web form from the page (same origin, with the session cookie)."""
        return self.driver.execute_async_script(  # type: ignore[no-any-return]
            "var done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {method: 'POST', body: new Uint8Array(arguments[1]),"
            " headers: {'Content-Type': 'application/x-www-form-urlencoded'}})"
            ".then(r => r.text().then(t => done({status: r.status, text: t})));",
            path,
            body_bytes,
        )


class SignInPage(Page):
    def open(self) -> "SignInPage":
        self.driver.get(self.base_url + "/signin")
        return self

    def sign_in(self, username: str, password: str) -> None:
        self.find("#username").clear()
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.submit("#signin")

    def error(self) -> str:
        return self.find("#error").text

    def note(self) -> str:
        return self.find("#note").text


class ProblemPage(Page):
    def title(self) -> str:
        return self.wait_for("#problem-title").text

    def message(self) -> str:
        return self.find("#problem-message").text


class CustomersPage(Page):
    def open(self, query: str = "") -> "CustomersPage":
        self.driver.get(self.base_url + "/customers?q=" + query)
        return self

    def search(self, query: str) -> None:
        self.find("#q").clear()
        self.find("#q").send_keys(query)
        self.submit("form.search button")

    def names(self) -> List[str]:
        return [cell.text for cell in self.all("#customers tbody td:first-child")]

    def pick(self, name: str) -> "CustomerPage":
        self.driver.find_element(By.LINK_TEXT, name).click()
        return CustomerPage(self.driver, self.base_url)

    def sign_out(self) -> None:
        self.submit("#signout")


class CustomerPage(Page):
    def open(self, account_id: str) -> "CustomerPage":
        self.driver.get(self.base_url + "/customers/" + account_id)
        return self

    def start_call(self, ticket: str) -> "OutboundPage":
        self.find("#out-ticket").send_keys(ticket)
        self.submit("#call")
        return OutboundPage(self.driver, self.base_url)

    def check_code(self, ticket: str, code: str) -> "InboundPage":
        self.find("#in-ticket").send_keys(ticket)
        self.find("#in-code").send_keys(code)
        self.submit("#verify")
        return InboundPage(self.driver, self.base_url)


class OutboundPage(Page):
    def code(self) -> str:
        return self.wait_for("#code-digits").text.replace(" ", "")

    def grouped(self) -> str:
        return " ".join(group.text for group in self.all("#code-digits .group"))

    def spoken(self) -> str:
        return str(self.find("#code-spoken").get_attribute("textContent"))

    def step(self) -> int:
        return int(str(self.find("#code").get_attribute("data-step")))

    def remaining(self) -> int:
        return int(self.find("#remaining").text)

    def renew_now(self) -> None:
        self.submit("#renew")


class InboundPage(Page):
    def status(self) -> str:
        return str(self.wait_for("#verdict").get_attribute("data-status"))

    def message(self) -> str:
        return self.find("#verdict").text

    def locked_until(self) -> str:
        return self.find("#locked-until").text

    def check(self, code: str) -> "InboundPage":
        self.find("#in-code").send_keys(code)
        self.submit("#verify")
        return self


@dataclass(frozen=True)
class AuditRow:
    outcome: str
    agent: str
    account: str
    highlighted: bool


class SupervisorPage(Page):
    def open(self, **filters: str) -> "SupervisorPage":
        self.driver.get(self.base_url + "/supervisor?" + urllib.parse.urlencode(filters))
        return self

    def rows(self) -> List[AuditRow]:
        result = []
        for row in self.all("#audit tbody tr"):
            cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            highlighted = "refused" in str(row.get_attribute("class"))
            result.append(AuditRow(cells[1], cells[2], cells[3], highlighted))
        return result

    def bars(self, kind: str, agent: Optional[str] = None) -> List[WebElement]:
        selector = f"#chart svg rect.bar.{kind}"
        if agent:
            selector += f'[data-agent="{agent}"]'
        return self.all(selector)

    def revoke(self, account_id: str, reason: str) -> Page:
        self.find("#rv-account").send_keys(account_id)
        self.find("#rv-reason").send_keys(reason)
        self.submit("#revoke")
        return Page(self.driver, self.base_url)

    def reenroll(self, account_id: str, reason: str) -> "EnrollmentPage":
        self.find("#re-account").send_keys(account_id)
        self.find("#re-reason").send_keys(reason)
        self.submit("#reenroll")
        return EnrollmentPage(self.driver, self.base_url)


class EnrollmentPage(Page):
    def epoch(self) -> int:
        return int(self.wait_for("#epoch").text)

    def qr_text(self) -> str:
        """What a phone's camera reads: the QR code decoded from a screenshot of the page."""
        shot = Image.open(io.BytesIO(self.find("#qr svg").screenshot_as_png))
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found = zxingcpp.read_barcodes(shot, formats=qr_only)
        assert len(found) == 1, f"{len(found)} QR codes in the screenshot"
        return found[0].text

    def public_key(self) -> str:
        return self.find("#public-key").text
