#!/usr/bin/env python3
"""Screenshots of the main pages of a running `despatch demo`, taken in headless Chromium over
the WebDriver protocol (chromedriver on port 9515), signed in through the real sign-in form.

    chromedriver --port=9515 &          # or another port, named by WEBDRIVER=http://127.0.0.1:PORT
    despatch demo --addr 127.0.0.1:8099 &
    python3 scripts/screenshots.py http://127.0.0.1:8099 docs/screenshots
"""
import base64
import json
import os
import sys
import time
import urllib.request

BASE, OUT = sys.argv[1], sys.argv[2]
DRIVER = os.environ.get("WEBDRIVER", "http://127.0.0.1:9515")
PASSWORD = "despatch-demo-2026"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(DRIVER + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["value"]


def main():
    os.makedirs(OUT, exist_ok=True)
    args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"]
    session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
        "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})["sessionId"]
    s = f"/session/{session}"

    def go(path):
        call("POST", s + "/url", {"url": BASE + path})

    def find(css):
        element = call("POST", s + "/element", {"using": "css selector", "value": css})
        return next(iter(element.values()))

    def shot(name):
        png = base64.b64decode(call("GET", s + "/screenshot"))
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(png)
        print("wrote", os.path.join(OUT, name))

    def full_page_shot(name):
        # Tall pages (the case type's diagram) are taken whole: the window grows to the page.
        height = call("POST", s + "/execute/sync",
                      {"script": "return document.documentElement.scrollHeight", "args": []})
        call("POST", s + "/window/rect", {"width": 1280, "height": max(1600, min(int(height) + 140, 6000))})
        shot(name)
        call("POST", s + "/window/rect", {"width": 1280, "height": 1600})

    def sign_in(user):
        go("/sign-in")
        call("POST", s + f"/element/{find('#username')}/value", {"text": user})
        call("POST", s + f"/element/{find('#password')}/value", {"text": PASSWORD})
        call("POST", s + f"/element/{find('button[type=submit].govuk-button')}/click", {})

    try:
        go("/sign-in")
        shot("sign-in.png")
        sign_in("ada.caseworker")
        shot("dashboard.png")
        go("/teams/PERFORMANCE_AND_PROCESS")
        shot("workstack.png")
        # Two rows selected and allocated in one go: the success banner names both cases.
        for label in call("POST", s + "/elements", {"using": "css selector",
                                                     "value": "#cases tbody .govuk-checkboxes__label"})[:2]:
            call("POST", s + f"/element/{next(iter(label.values()))}/click", {})
        call("POST", s + f"/element/{find('button[value=allocate-to-me]')}/click", {})
        shot("workstack-bulk.png")
        go("/cases/new")
        shot("create-case.png")
        go("/teams/PERFORMANCE_AND_PROCESS")
        href = call("POST", s + "/execute/sync", {"script": """
            const row = [...document.querySelectorAll('.app-case-table tbody tr')]
                .find(r => r.textContent.includes('Data Input'));
            return row.querySelector('a.govuk-link').getAttribute('href');""", "args": []})
        go(href)
        shot("case-data-input.png")
        go("/teams/PERFORMANCE_AND_PROCESS")
        call("POST", s + f"/element/{find('.app-case-table tbody a.govuk-link')}/click", {})
        # Submitting the form empty shows the GOV.UK error summary.
        call("POST", s + f"/element/{find('#stage-form button[type=submit]')}/click", {})
        shot("case-form-errors.png")
        go("/search?q=asylum")
        shot("search.png")
        go(href + "/deadline")
        shot("deadline.png")
        # Drafting, as the immigration drafter whose team holds a case at Initial Draft: the reply
        # generated from the template, a standard line offered, the draft edited in the browser,
        # the two versions compared, and a contribution requested of another team.
        call("DELETE", s + "/cookie")
        sign_in("ian.immigration-drafter")
        go("/teams/IMMIGRATION_DRAFTING")
        case = call("POST", s + "/execute/sync", {"script": """
            const row = [...document.querySelectorAll('.app-case-table tbody tr')]
                .find(r => r.textContent.includes('Initial Draft'));
            return row.querySelector('a.govuk-link').getAttribute('href');""", "args": []})
        go(case)
        call("POST", s + f"/element/{find('#draft-generate')}/click", {})
        time.sleep(1)
        go(case + "/draft")
        call("POST", s + "/execute/sync", {"script": """
            const t = document.getElementById('draft-text');
            t.value = t.value.replace('I would like to thank you', 'I hope this reply is helpful, and I would like to thank you');""",
            "args": []})
        shot("draft-edit.png")
        call("POST", s + f"/element/{find('form[action$=draft] button[type=submit]')}/click", {})
        time.sleep(1)
        go(case + "/drafts/compare")
        full_page_shot("draft-compare.png")
        go(case)
        call("POST", s + "/execute/sync", {"script": """
            document.getElementById('contribution-team').selectedIndex = 1;
            document.getElementById('contribution-asked').value = 'Figures for asylum support in the North East, 2018';
            const due = new Date(Date.now() + 7 * 864e5);
            document.getElementById('due-day').value = due.getDate();
            document.getElementById('due-month').value = due.getMonth() + 1;
            document.getElementById('due-year').value = due.getFullYear();
            document.querySelector('form[action$=contributions]').submit();""", "args": []})
        time.sleep(1)
        go(case)
        full_page_shot("case-drafting.png")
        # The administration pages, as the demo's administrator.
        call("DELETE", s + "/cookie")
        sign_in("admin")
        for path, name in [("/admin", "admin.png"), ("/admin/teams", "admin-teams.png"),
                           ("/admin/teams/POLICING_DRAFTING", "admin-team.png"),
                           ("/admin/users", "admin-users.png"), ("/admin/users/quinn.qa", "admin-user.png"),
                           ("/admin/topics", "admin-topics.png"), ("/admin/topics/POLICE_FUNDING", "admin-topic.png"),
                           ("/admin/standard-lines", "admin-standard-lines.png"),
                           ("/admin/templates", "admin-templates.png"), ("/admin/templates/MIN", "admin-template.png"),
                           ("/admin/case-types", "admin-case-types.png"),
                           ("/admin/case-types/MIN", "admin-case-type.png")]:
            go(path)
            full_page_shot(name)
        body = call("POST", s + "/execute/sync", {"script": "return document.body.className", "args": []})
        print("body class:", body)
    finally:
        call("DELETE", s)


main()
