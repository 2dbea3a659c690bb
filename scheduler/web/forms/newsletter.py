"""The newsletter's forms: the public signup, and a staff member's referral code."""

from wtforms import EmailField, HiddenField, StringField

from scheduler.web.forms import PageForm


class SignupForm(PageForm):
    email = EmailField("Email", render_kw={"required": True, "autocomplete": "email"})
    name = StringField("Name", description="optional", render_kw={"autocomplete": "name"})
    ref = HiddenField("Referral code")  # the referral code of the link the reader followed

    def service_input(self) -> dict:
        return {"email": self.email.data or "", "name": self.name.data or "", "ref": self.ref.data or ""}


class ReferralForm(PageForm):
    staff_name = StringField("Staff member")
    code = StringField("Code", render_kw={"placeholder": "e.g. alice"})

    def service_input(self) -> dict:
        return {"staff_name": self.staff_name.data or "", "code": self.code.data or ""}
