"""What an outbox delivery wrote, shown in the app: the "Delivered" link of a post in outbox mode.

The file is on the server; a ``file://`` link would open nothing in a reader's browser and would show
where the server keeps its files. This page reads it back for whoever may read the post."""

from flask import render_template

from scheduler.services import outbox_files, posts
from scheduler.web.pages import blueprint


@blueprint.get("/posts/<int:post_id>/delivered")
def delivered_file(post_id):
    post = posts.get_post(post_id)
    return render_template("posts/delivered.html", post=post, plan=post.plan, file=outbox_files.delivered_file(post))
