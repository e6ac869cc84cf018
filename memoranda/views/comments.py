"""Comments on a draft: read, add (while it is a draft) and resolve."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from memoranda import services
from memoranda.forms import CommentForm
from memoranda.models import Comment
from memoranda.permissions import MemorandumPerm
from memoranda.views.common import memorandum_or_404, refused
from partnerships.access import Perm, can
from portal.flows import GET_POST
from portal.forms import submit
from portal.paging import positive_int


@login_required
@GET_POST
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW)
    can_comment = can(request.user, memorandum.partnership, Perm.COMMENT) and services.allowed(memorandum, "comment")
    section_id = positive_int(request.GET.get("section"))
    form = CommentForm(request.POST or None, memorandum=memorandum, initial={"section": section_id})
    if request.method == "POST":
        if not can(request.user, memorandum.partnership, Perm.COMMENT):
            raise PermissionDenied("Your role does not allow comments.")
        if refusal := refused(request, memorandum, "comment"):
            return refusal
        saved, comment = submit(
            form,
            lambda data: services.add_comment(request.user, memorandum, body=data["body"], section=data["section"]),
        )
        if saved:
            messages.success(request, "Comment added. The partnership lead will see it.")
            added = cast(Comment, comment)  # saved: the service returned the comment
            return redirect(reverse("memoranda:comments", kwargs={"pk": pk}) + f"#comment-{added.pk}")
    all_comments = list(memorandum.comments.select_related("author", "resolved_by", "section"))
    return render(
        request,
        "memoranda/comments.html",
        {
            "memorandum": memorandum,
            "form": form if can_comment else None,
            "open_comments": [c for c in all_comments if c.resolved_at is None],
            "resolved_comments": [c for c in all_comments if c.resolved_at is not None],
            "can_resolve": can(request.user, memorandum.partnership, MemorandumPerm.DRAFT),
        },
    )


@login_required
@GET_POST
def comment_resolve(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    comment = get_object_or_404(
        Comment.objects.select_related("author", "section"), pk=comment_pk, memorandum=memorandum
    )
    if request.method == "POST":
        try:
            services.resolve_comment(request.user, comment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Resolved the comment by {comment.author}.")
        return redirect("memoranda:comments", pk=pk)
    return render(request, "memoranda/comment_resolve.html", {"memorandum": memorandum, "comment": comment})
