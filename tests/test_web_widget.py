"""The backend serves the demo page with the chat widget and tells the widget where Rasa is."""

from api.core.config import Settings


def test_demo_page_embeds_the_widget_with_one_script_tag(http):
    page = http.get("/demo/")
    assert page.status_code == 200
    assert '<script src="/widget/widget.js" defer></script>' in page.text
    widget = http.get("/widget/widget.js")
    assert widget.status_code == 200 and "session_request" in widget.text
    assert http.get("/widget/widget.css").status_code == 200


def test_widget_config_names_the_socket_server_from_settings(http):
    config = http.get("/widget/config.js")
    assert config.status_code == 200
    assert config.headers["content-type"].startswith("text/javascript")
    server = Settings.model_fields["widget_server_url"].default
    assert config.text == f'window.CS_WIDGET_DEFAULTS = {{"server": "{server}"}};\n'


def test_home_page_leads_to_the_demo(http):
    assert http.get("/", follow_redirects=False).headers["location"] == "/demo/"
