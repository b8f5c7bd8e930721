"""The kinds of removed segments, one vocabulary for every extractor and table."""

PROMO = "promo"  # adverts, "join our channel", app downloads
SUBSCRIPTION = "subscription"  # newsletters, paywall and sign-up prompts
AUTHOR_BIO = "author_bio"
RELATED = "related_link"  # "Check also", "Read more", teaser headlines dropped into the body
CAPTION = "caption"  # photo captions and credits
REPRINT = (
    "reprint_note"  # "originally published by X" (the outlet goes to articles.syndicated_from)
)
NAVIGATION = "navigation"  # menus, share buttons, breadcrumbs, tags, cookie banners
HEADLINE = "headline"  # the article's title line (its text goes to articles.title)
DATELINE = (
    "dateline"  # date stamps, bylines and other metadata lines (values go to article columns)
)
DUPLICATE = "duplicate"  # a standfirst or paragraph repeated later in the body
COMMENT = "comment"
NOISE = "noise"  # dividers of dots or dashes, character noise, link farms: text no article holds
OTHER = "other"

KINDS = (
    PROMO,
    SUBSCRIPTION,
    AUTHOR_BIO,
    RELATED,
    CAPTION,
    REPRINT,
    NAVIGATION,
    HEADLINE,
    DATELINE,
    DUPLICATE,
    COMMENT,
    NOISE,
    OTHER,
)
