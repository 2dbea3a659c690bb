"""Feeds as the services publish them, built here so each test says what it serves."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

START = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def blog_rss(posts: list[dict], title="The Atlas blog") -> str:
    """WordPress-style RSS 2.0; each post {slug, title, summary, days}."""
    items = "".join(
        f"""
    <item>
      <title>{escape(p["title"])}</title>
      <link>https://blog.example.com/{p["slug"]}/</link>
      <guid isPermaLink="false">https://blog.example.com/?p={p.get("id", p["slug"])}</guid>
      <pubDate>{format_datetime(START + timedelta(days=p.get("days", 0)))}</pubDate>
      <description><![CDATA[{p.get("summary", "A post.")}]]></description>
    </item>"""
        for p in posts
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel><title>{escape(title)}</title><link>https://blog.example.com</link><description>News</description>{items}
  </channel>
</rss>"""


def youtube_atom(videos: list[dict]) -> str:
    """A YouTube channel feed (videos.xml?channel_id=…); each video {id, title, views, likes, days}."""
    entries = "".join(
        f"""
  <entry>
    <id>yt:video:{v["id"]}</id>
    <yt:videoId>{v["id"]}</yt:videoId>
    <yt:channelId>UCatlas</yt:channelId>
    <title>{escape(v["title"])}</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v={v["id"]}"/>
    <author><name>Atlas</name><uri>https://www.youtube.com/channel/UCatlas</uri></author>
    <published>{(START + timedelta(days=v.get("days", 0))).isoformat()}</published>
    <updated>{(START + timedelta(days=v.get("days", 0) + 1)).isoformat()}</updated>
    <media:group>
      <media:title>{escape(v["title"])}</media:title>
      <media:content url="https://www.youtube.com/v/{v["id"]}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
      <media:thumbnail url="https://i2.ytimg.com/vi/{v["id"]}/hqdefault.jpg" width="480" height="360"/>
      <media:description>{escape(v.get("description", "A video."))}</media:description>
      <media:community>
        <media:starRating count="{v.get("likes", 0)}" average="5.00" min="1" max="5"/>
        <media:statistics views="{v.get("views", 0)}"/>
      </media:community>
    </media:group>
  </entry>"""
        for v in videos
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
  <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCatlas"/>
  <id>yt:channel:UCatlas</id>
  <yt:channelId>UCatlas</yt:channelId>
  <title>Atlas</title>
  <author><name>Atlas</name><uri>https://www.youtube.com/channel/UCatlas</uri></author>
  <published>2020-01-01T00:00:00+00:00</published>{entries}
</feed>"""


def mastodon_rss(statuses: list[dict]) -> str:
    """A Mastodon profile feed (https://instance/@name.rss): no titles, HTML descriptions, attachments."""
    items = "".join(
        f"""
    <item>
      <guid isPermaLink="true">https://mastodon.example/@atlas/{s["id"]}</guid>
      <link>https://mastodon.example/@atlas/{s["id"]}</link>
      <pubDate>{format_datetime(START + timedelta(days=s.get("days", 0)))}</pubDate>
      <description>{escape(s["html"])}</description>
      {"".join(f'<media:content url="{m}" type="image/png" fileSize="1000" medium="image"><media:rating scheme="urn:simple">nonadult</media:rating><media:description type="plain">{escape(s.get("alt", ""))}</media:description></media:content>' for m in s.get("images", []))}
    </item>"""
        for s in statuses
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel><title>Atlas</title><description>Public posts from @atlas@mastodon.example</description>
  <link>https://mastodon.example/@atlas</link>{items}
  </channel>
</rss>"""
