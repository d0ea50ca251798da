"""The merchant's team page: everyone sees who is on the account; an owner invites and removes members."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from integrator.tenancy import merchant_view, owner_view

from .. import team
from ..models import Membership


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Colleague's e-mail"))


def _page(request, form=None, status=200):
    return render(
        request,
        "billing/team.html",
        {
            "merchant": request.merchant,
            "form": form or InviteForm(),
            "memberships": request.merchant.memberships.select_related("user").order_by("role", "user__username"),
            "is_owner": request.membership is not None and request.membership.role == Membership.Role.OWNER,
        },
        status=status,
    )


@merchant_view
def team_page(request):
    return _page(request)


@owner_view
@require_POST
def invite(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    _membership, created = team.invite_member(request.merchant, form.cleaned_data["email"], request.user)
    if created:
        messages.success(request, _("%(email)s is invited as a member.") % {"email": form.cleaned_data["email"]})
    else:
        messages.info(request, _("%(email)s is on the account already.") % {"email": form.cleaned_data["email"]})
    return redirect("billing:team", merchant_id=request.merchant.pk)


@owner_view
@require_POST
def remove(request, membership_id):
    try:
        gone = team.remove_member(request.merchant, membership_id, request.user)
    except Membership.DoesNotExist:
        raise Http404 from None
    except team.CannotRemove:
        messages.error(request, _("An owner cannot be removed here."))
    else:
        messages.success(request, _("%(email)s no longer has access.") % {"email": gone.user.email})
    return redirect("billing:team", merchant_id=request.merchant.pk)
