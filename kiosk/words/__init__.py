"""Every word and every figure as text: the gettext catalogue (Chinese first, English complete), the one
formatter for money, land, dates and counts, the sentences for every error code, and each page's words."""
