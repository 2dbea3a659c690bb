"""The subscriber list on the newsletter's team side: search, pages, export and import, each reader
with the date they agreed to be mailed. Readers' addresses are personal data, so the list is a
manager's (``web/access.py``); the counts stay on the newsletter page for everyone."""

from flask import Response, request, url_for

from scheduler.services.errors import Invalid
from scheduler.services.newsletter import subscriber_list
from scheduler.web.forms.newsletter import SubscriberImportForm, SubscriberSearchForm
from scheduler.web.pages import form_page
from scheduler.web.public import blueprint


@blueprint.get("/subscribers")
def subscribers_page():
    return list_with(SubscriberImportForm(formdata=None))


def list_with(import_form, result=None):
    form = SubscriberSearchForm(request.args)
    try:
        found = subscriber_list.search(form.q.data or "", form.status.data or "", request.args.get("page", 1, int))
    except Invalid as error:
        form.refused(error)
        found = subscriber_list.search()
    return form_page(
        "newsletter/subscribers.html",
        import_form,
        search=form,
        found=found,
        result=result,
        export_url=url_for("newsletter.export_subscribers", **form.chosen()),
    )


@blueprint.get("/subscribers.csv")
def export_subscribers():
    form = SubscriberSearchForm(request.args)
    try:  # whole, not streamed: a list of 100,000 readers is about 15 MB, and a refusal comes before any of it
        text = "".join(subscriber_list.export_rows(form.q.data or "", form.status.data or ""))
    except Invalid as error:
        return Response(error.message + "\n", status=400, mimetype="text/plain")
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="subscribers.csv"'}
    )


@blueprint.post("/subscribers/import")
def import_subscribers():
    form = SubscriberImportForm()
    result = form.submit(lambda: subscriber_list.import_subscribers(form.upload(subscriber_list.LARGEST_IMPORT)))
    return list_with(form, result)
