"""Issue #14, readable screens: provinces by name, maps with a numbered key, the
forecast's axis, and the catalogue's theme hierarchy and highlighted search terms."""

import re

from django.test import Client

from raak.picture import geo

P = "/raak-2008-2010"


def test_provinces_are_named_not_coded(knowledge):
    assert geo.province_name("PV30") == "Noord-Brabant"
    assert geo.province_name("PV99") == "PV99"  # unknown: shown, not hidden
    c = Client()
    region = c.get(f"{P}/regio/eindhoven/").content.decode()
    assert "Noord-Brabant" in region and "PV30" not in region
    activity = c.get(f"{P}/activiteiten/b3-031/").content.decode()
    assert "<dt>Provincie</dt><dd>Noord-Holland</dd>" in activity
    page = c.get(f"{P}/activiteiten/").content.decode()
    options = re.search(r'<select id="provincie".*?</select>', page, re.S).group(0)
    names = re.findall(r'<option value="PV\d\d"[^>]*>([^<]+)</option>', options)
    assert "Noord-Brabant" in names and "Fryslân" in names
    assert names == sorted(names)
    assert not re.search(r">PV\d\d<", options)
    # The value stays the CBS code, so old links keep working.
    nh = c.get(f"{P}/activiteiten/", {"provincie": "PV27"})
    assert nh.context["total"] > 0
    assert '<option value="PV27" selected>Noord-Holland</option>' in nh.content.decode()
