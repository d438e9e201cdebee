"""The Danish region (HSDS address ``state_province``) of a municipality or, failing that, a postcode.

Municipality codes are the official ones (Danmarks Statistik, since 2007). A municipality whose
code is not a Danish municipality code falls back to the region of the address's postcode, by the
postcode ranges (exact except for a few postcodes that straddle a regional border).
"""

HOVEDSTADEN = "Region Hovedstaden"
SJAELLAND = "Region Sjælland"
SYDDANMARK = "Region Syddanmark"
MIDTJYLLAND = "Region Midtjylland"
NORDJYLLAND = "Region Nordjylland"

_CODES = {
    HOVEDSTADEN: "101 147 151 153 155 157 159 161 163 165 167 169 173 175 183 185 187 190 201 210 217 219 "
    "223 230 240 250 260 270 400 411",
    SJAELLAND: "253 259 265 269 306 316 320 326 329 330 336 340 350 360 370 376 390",
    SYDDANMARK: "410 420 430 440 450 461 479 480 482 492 510 530 540 550 561 563 573 575 580 607 621 630",
    MIDTJYLLAND: "615 657 661 665 671 706 707 710 727 730 740 741 746 751 756 760 766 779 791",
    NORDJYLLAND: "773 787 810 813 820 825 840 846 849 851 860",
}
MUNICIPALITY_REGION = {code: region for region, codes in _CODES.items() for code in codes.split()}

# (first postcode, last postcode, region), first match wins.
_POSTCODES = [
    (2670, 2690, SJAELLAND),
    (1000, 3799, HOVEDSTADEN),
    (4000, 4999, SJAELLAND),
    (6880, 6999, MIDTJYLLAND),
    (5000, 7399, SYDDANMARK),
    (7700, 7799, NORDJYLLAND),
    (7900, 7999, NORDJYLLAND),
    (7400, 8999, MIDTJYLLAND),
    (9000, 9999, NORDJYLLAND),
]


def region_of_postcode(postcode: str) -> str:
    number = int(postcode) if postcode.isdigit() else 0
    for first, last, region in _POSTCODES:
        if first <= number <= last:
            return region
    return HOVEDSTADEN if number < 1000 else MIDTJYLLAND


def region(municipality_code: str | None, postcode: str) -> str:
    """The region of the municipality with this code, else of the postcode."""
    return MUNICIPALITY_REGION.get(municipality_code or "") or region_of_postcode(postcode)
