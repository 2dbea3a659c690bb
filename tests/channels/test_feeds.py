"""read_feed_entry, end to end: feeds as the services publish them, parsed by feedparser."""

from datetime import datetime, timezone

import feedparser

from channels import registry

WHEN = datetime(2031, 9, 1, 8, 0, tzinfo=timezone.utc)

YOUTUBE = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCx8Z1lE0nJ7bGkqPmKp0Abc"/>
 <id>yt:channel:x8Z1lE0nJ7bGkqPmKp0Abc</id>
 <yt:channelId>x8Z1lE0nJ7bGkqPmKp0Abc</yt:channelId>
 <title>Atlas</title>
 <link rel="alternate" href="https://www.youtube.com/channel/UCx8Z1lE0nJ7bGkqPmKp0Abc"/>
 <author><name>Atlas</name><uri>https://www.youtube.com/channel/UCx8Z1lE0nJ7bGkqPmKp0Abc</uri></author>
 <published>2029-03-02T10:00:00+00:00</published>
 <entry>
  <id>yt:video:dQw4w9WgXcQ</id>
  <yt:videoId>dQw4w9WgXcQ</yt:videoId>
  <yt:channelId>UCx8Z1lE0nJ7bGkqPmKp0Abc</yt:channelId>
  <title>Atlas 2.0 en 4 minutes — l'été</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
  <author><name>Atlas</name><uri>https://www.youtube.com/channel/UCx8Z1lE0nJ7bGkqPmKp0Abc</uri></author>
  <published>2031-09-01T08:00:00+00:00</published>
  <updated>2031-09-03T11:20:00+00:00</updated>
  <media:group>
   <media:title>Atlas 2.0 en 4 minutes — l'été</media:title>
   <media:content url="https://www.youtube.com/v/dQw4w9WgXcQ?version=3" type="application/x-shockwave-flash"
                  width="640" height="390"/>
   <media:thumbnail url="https://i1.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg" width="480" height="360"/>
   <media:description>A tour of the winter launch: calendars, alerts, reports.</media:description>
   <media:community>
    <media:starRating count="{likes}" average="5.00" min="1" max="5"/>
    <media:statistics views="{views}"/>
   </media:community>
  </media:group>
 </entry>
</feed>"""

MASTODON = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Atlas</title>
    <description>Public posts from @atlas@mastodon.social</description>
    <link>https://mastodon.social/@atlas</link>
    <image><url>https://files.mastodon.social/accounts/avatars/1/original/a.png</url><title>Atlas</title>
      <link>https://mastodon.social/@atlas</link></image>
    <lastBuildDate>Mon, 01 Sep 2031 08:00:00 +0000</lastBuildDate>
    <webfeeds:icon>https://files.mastodon.social/accounts/avatars/1/original/a.png</webfeeds:icon>
    <generator>Mastodon v4.2.10</generator>
    <item>
      <guid isPermaLink="true">https://mastodon.social/@atlas/111222333444555666</guid>
      <link>https://mastodon.social/@atlas/111222333444555666</link>
      <pubDate>Mon, 01 Sep 2031 08:00:00 +0000</pubDate>
      <description>&lt;p&gt;Our summer board, in one picture. Three columns &amp;amp; one theme. &lt;a href="https://mastodon.social/tags/planning" class="mention hashtag" rel="tag"&gt;#&lt;span&gt;planning&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;</description>
      <media:content url="https://files.mastodon.social/media_attachments/files/111/222/333/original/board.png"
                     type="image/png" fileSize="48213" medium="image">
        <media:rating scheme="urn:simple">nonadult</media:rating>
        <media:description type="plain">A whiteboard with three columns</media:description>
      </media:content>
      <category>planning</category>
    </item>
    <item>
      <guid isPermaLink="true">https://mastodon.social/@atlas/111222333444555667</guid>
      <link>https://mastodon.social/@atlas/111222333444555667</link>
      <pubDate>Tue, 02 Sep 2031 09:30:00 +0200</pubDate>
      <description>&lt;p&gt;New guide, thanks &lt;span class="h-card" translate="no"&gt;&lt;a href="https://mastodon.social/@bob" class="u-url mention"&gt;@&lt;span&gt;bob&lt;/span&gt;&lt;/a&gt;&lt;/span&gt;: &lt;a href="https://example.com/guides/quarter" target="_blank" rel="nofollow noopener noreferrer" translate="no"&gt;&lt;span class="invisible"&gt;https://&lt;/span&gt;&lt;span class="ellipsis"&gt;example.com/guides/quar&lt;/span&gt;&lt;span class="invisible"&gt;ter&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;</description>
    </item>
    <item>
      <guid isPermaLink="true">https://mastodon.social/@atlas/111222333444555668</guid>
      <link>https://mastodon.social/@atlas/111222333444555668</link>
      <description>&lt;p&gt;Bonjour &lt;a href="https://mastodon.social/@carol" class="u-url mention"&gt;@&lt;span&gt;carol&lt;/span&gt;&lt;/a&gt; !&lt;br /&gt;Un mot sans lien.&lt;/p&gt;</description>
    </item>
  </channel>
</rss>"""

BLUESKY = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<description>Content planning, one theme at a time.</description>
<link>https://bsky.app/profile/atlas.bsky.social</link>
<title>@atlas.bsky.social - Atlas</title>
<item>
<link>https://bsky.app/profile/atlas.bsky.social/post/3kq2xbzf5dq2a</link>
<description>Calendar sync ships today 🎉 Café crème for everyone. Details: https://example.com/sync</description>
<pubDate>01 Sep 2031 08:00 +0000</pubDate>
<guid isPermaLink="false">at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2xbzf5dq2a</guid>
</item>
<item>
<link>https://bsky.app/profile/atlas.bsky.social/post/3kq2xbzf5dq2b</link>
<description>夏季优惠来了。全家一起规划！</description>
<guid isPermaLink="false">at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2xbzf5dq2b</guid>
</item>
</channel>
</rss>"""

WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
	<title>Atlas Blog</title>
	<atom:link href="https://blog.example.com/feed/" rel="self" type="application/rss+xml" />
	<link>https://blog.example.com</link>
	<description>Planning notes</description>
	<lastBuildDate>Mon, 01 Sep 2031 08:00:00 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<generator>https://wordpress.org/?v=6.5.2</generator>
	<item>
		<title>How to plan a quarter around one theme</title>
		<link>https://blog.example.com/2031/09/01/plan-a-quarter/</link>
		<comments>https://blog.example.com/2031/09/01/plan-a-quarter/#comments</comments>
		<dc:creator><![CDATA[Alice]]></dc:creator>
		<pubDate>Mon, 01 Sep 2031 08:00:00 +0000</pubDate>
		<category><![CDATA[Planning]]></category>
		<guid isPermaLink="false">https://blog.example.com/?p=123</guid>
		<description><![CDATA[<p>Planning a quarter around one idea keeps a team honest. [&#8230;]</p>
<p>The post <a href="https://blog.example.com/2031/09/01/plan-a-quarter/">How to plan</a> appeared first on Atlas Blog.</p>]]></description>
		<content:encoded><![CDATA[<p>Planning a quarter around one idea keeps a team honest.</p>
<h2>How</h2>
<p>Start with the theme, then the channels.</p>]]></content:encoded>
		<wfw:commentRss>https://blog.example.com/2031/09/01/plan-a-quarter/feed/</wfw:commentRss>
		<slash:comments>{comments}</slash:comments>
	</item>
</channel>
</rss>"""

NEWSLETTER = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Atlas letter</title>
  <link href="https://letter.example.com/archive/" rel="alternate"/>
  <link href="https://letter.example.com/archive/feed.atom" rel="self"/>
  <id>https://letter.example.com/archive/</id>
  <updated>2031-06-01T08:00:00Z</updated>
  <entry>
    <title>The June letter</title>
    <link href="https://letter.example.com/archive/june-2031/" rel="alternate"/>
    <id>urn:uuid:6d1c1a36-2f7e-4c43-9b55-1b2f1a0e3c11</id>
    <published>2031-06-01T08:00:00Z</published>
    <updated>2031-06-02T09:00:00Z</updated>
    <author><name>Atlas</name></author>
    <summary type="html">&lt;p&gt;Three things changed this month.&lt;/p&gt;</summary>
    <content type="html">&lt;h2&gt;What changed in June&lt;/h2&gt;&lt;p&gt;Three things changed this month. Calendars sync both ways.&lt;/p&gt;</content>
  </entry>
</feed>"""


def read(channel, xml, number=0):
    parsed = feedparser.parse(xml.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return registry.get(channel).read_feed_entry(parsed.entries[number])


def test_a_youtube_video():
    item = read("youtube", YOUTUBE.format(likes="1234", views="56789"))
    assert item == {
        "remote_id": "dQw4w9WgXcQ",
        "title": "Atlas 2.0 en 4 minutes — l'été",
        "link": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "summary": "A tour of the winter launch: calendars, alerts, reports.",
        "published_at": WHEN,
        "content_type": "video",
        "media": [
            {
                "url": "https://i1.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
                "type": "image",
                "alt": "Atlas 2.0 en 4 minutes — l'été",
            }
        ],
        "metrics": {"views": 56789, "likes": 1234},
    }


def test_garbage_statistics_are_left_out():
    item = read("youtube", YOUTUBE.format(likes="-3", views="lots"))
    assert item["metrics"] == {} and item["remote_id"] == "dQw4w9WgXcQ"
    assert read("youtube", YOUTUBE.format(likes="1,234", views="1.5e3"))["metrics"] == {"likes": 1234}


def test_mastodon_posts_picture_link_and_text():
    picture, link, text = (read("mastodon", MASTODON, n) for n in range(3))
    assert picture["remote_id"] == picture["link"] == "https://mastodon.social/@atlas/111222333444555666"
    assert picture["title"] == "Our summer board, in one picture."
    assert picture["summary"].startswith("<p>Our summer board") and "&amp; one theme" in picture["summary"]
    assert picture["content_type"] == "image" and picture["published_at"] == WHEN
    assert picture["media"] == [
        {
            "url": "https://files.mastodon.social/media_attachments/files/111/222/333/original/board.png",
            "type": "image",
            "alt": "A whiteboard with three columns",
        }
    ]
    assert (
        link["content_type"] == "link" and link["title"] == "New guide, thanks @bob: https://example.com/guides/quarter"
    )
    assert link["published_at"] == datetime(2031, 9, 2, 7, 30, tzinfo=timezone.utc)
    assert text["content_type"] == "text" and text["published_at"] is None  # no date: none invented
    assert text["title"] == "Bonjour @carol !" and text["metrics"] == {}


def test_bluesky_posts():
    post, chinese = read("bluesky", BLUESKY), read("bluesky", BLUESKY, 1)
    assert post["remote_id"] == "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2xbzf5dq2a"
    assert post["link"] == "https://bsky.app/profile/atlas.bsky.social/post/3kq2xbzf5dq2a"
    assert post["summary"].startswith("Calendar sync ships today 🎉 Café crème")
    assert post["title"] == "Calendar sync ships today 🎉 Café crème for everyone."
    assert (post["content_type"], post["published_at"], post["media"]) == ("link", WHEN, [])
    assert (chinese["title"], chinese["content_type"], chinese["published_at"]) == ("夏季优惠来了。", "text", None)


def test_a_wordpress_post_is_the_whole_article_with_its_comment_count():
    item = read("blog", WORDPRESS.format(comments="3"))
    assert item["remote_id"] == "https://blog.example.com/?p=123" and item["content_type"] == "article"
    assert item["summary"].startswith("<p>Planning a quarter") and "<h2>How</h2>" in item["summary"]
    assert (item["title"], item["published_at"], item["metrics"]) == (
        "How to plan a quarter around one theme",
        WHEN,
        {"replies": 3},
    )
    assert read("blog", WORDPRESS.format(comments="n/a"))["metrics"] == {}


def test_a_newsletter_issue():
    item = read("newsletter", NEWSLETTER)
    assert item["remote_id"] == "urn:uuid:6d1c1a36-2f7e-4c43-9b55-1b2f1a0e3c11"
    assert item["content_type"] == "email" and item["link"] == "https://letter.example.com/archive/june-2031/"
    assert item["summary"].startswith("<h2>What changed in June</h2>")
    assert item["published_at"] == datetime(2031, 6, 1, 8, 0, tzinfo=timezone.utc)


def test_a_one_megabyte_summary_is_kept_whole():
    huge = "word " * 200_000
    blog = read(
        "blog",
        WORDPRESS.replace("<content:encoded><![CDATA[", "<content:encoded><![CDATA[" + huge).format(comments="0"),
    )
    assert len(blog["summary"]) > 1_000_000
    toot = read("mastodon", MASTODON.replace("&lt;p&gt;Bonjour", "&lt;p&gt;" + huge + "Bonjour"), 2)
    assert len(toot["summary"]) > 1_000_000 and len(toot["title"]) <= 80


def test_without_an_id_the_link_is_the_remote_id():
    feed = BLUESKY.replace(
        '<guid isPermaLink="false">at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2xbzf5dq2a</guid>', ""
    )
    assert read("bluesky", feed)["remote_id"] == "https://bsky.app/profile/atlas.bsky.social/post/3kq2xbzf5dq2a"
