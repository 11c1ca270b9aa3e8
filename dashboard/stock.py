"""The seller's «Stock» pages: every SKU with in-place edits, one SKU with its movements, and the
bulk upload (preview, then confirm). Thin: catalog's selectors read, its services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog.bulk import apply_upload, preview_counts, upload_of
from catalog.selectors import (
    SORT_CHOICES,
    movements_of,
    recent_uploads,
    stock_item_of,
    stock_list,
    upload_errors,
)
from catalog.services import StockUnavailable, holding_orders, set_stock
from catalog.uploads import read_upload
from core.errors import DomainError, NotFound, PayloadTooLarge
from dashboard.views import error_text, member_required
from orders.selectors import order_list

PAGE_SIZE = 50
# multipart framing around the file
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class StockFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Buscar SKU o nombre"), max_length=100, required=False)
    estado = forms.ChoiceField(
        label=gettext_lazy("Estado"),
        choices=[
            ("", gettext_lazy("Todos")),
            ("sin_stock", gettext_lazy("Sin stock")),
            ("bajo", gettext_lazy("Stock bajo")),
        ],
        required=False,
    )
    orden = forms.ChoiceField(label=gettext_lazy("Ordenar por"), choices=SORT_CHOICES, required=False)


ESTADOS = {"sin_stock": "out_of_stock", "bajo": "low_stock"}


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=gettext_lazy("Stock físico"), min_value=0)
    low_stock_threshold = forms.IntegerField(
        label=gettext_lazy("Umbral de stock bajo"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Vacío: se usa el valor por defecto de la tienda."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Archivo CSV o XLSX"),
        help_text=gettext_lazy("Columnas: sku, quantity y, opcional, name (para crear SKUs nuevos)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return fallback


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _stock_page(request: HttpRequest, *, upload_form: UploadForm | None = None, status: int = 200) -> HttpResponse:
    form = StockFilterForm(request.GET)
    form.is_valid()  # a bad field is reported beside it; the valid ones still filter
    data = form.cleaned_data
    items = stock_list(
        seller=request.seller,
        search=data.get("q") or "",
        status=ESTADOS.get(data.get("estado") or ""),
        sort=data.get("orden") or "sku",
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/stock.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "upload_form": upload_form or UploadForm(),
            "uploads": recent_uploads(seller=request.seller),
            "default_threshold": settings.STOCK_LOW_THRESHOLD,
        },
        status=status,
    )


@require_GET
@member_required
def stock_page(request: HttpRequest) -> HttpResponse:
    return _stock_page(request)


def _order_to_return_to(request: HttpRequest):
    """`?orden=<id>`: the seller came from that order's refused «Iniciar manejo»; offer the way back."""
    raw = request.GET.get("orden") or request.POST.get("orden") or ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return order_list(seller=request.seller).filter(pk=int(raw)).first()


@require_GET
@member_required
def sku_page(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = stock_item_of(seller=request.seller, item_id=item_id)
    except NotFound:
        raise Http404 from None
    holders = holding_orders([item.pk]).get(item.pk, [])
    return render(
        request,
        "dashboard/stock_item.html",
        {
            "item": item,
            "form": QuantityForm(
                initial={"quantity": item.quantity_on_hand, "low_stock_threshold": item.low_stock_threshold}
            ),
            "movements": movements_of(item=item),
            "holders": holders,
            "return_order": _order_to_return_to(request),
        },
    )


@require_POST
@member_required
def set_quantity_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """One SKU's quantity, from the Stock page's row form or the SKU page; both work without JavaScript."""
    # another seller's SKU is a 404 before its input is read
    try:
        item = stock_item_of(seller=request.seller, item_id=item_id)
    except NotFound:
        raise Http404 from None
    back = _safe_next(request, reverse("dashboard:stock_item", args=[item.pk]))
    form = QuantityForm(request.POST)
    if not form.is_valid():
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        messages.error(
            request, _("No se guardó %(sku)s. %(problems)s") % {"sku": item.sku, "problems": " ".join(problems)}
        )
        return redirect(back)
    changes = {}
    if "low_stock_threshold" in request.POST:
        changes["low_stock_threshold"] = form.cleaned_data["low_stock_threshold"]
    try:
        set_stock(
            seller=request.seller, sku=item.sku, quantity=form.cleaned_data["quantity"], actor=request.user, **changes
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, error_text(refused))
    else:
        messages.success(
            request,
            _("Stock de %(sku)s: %(quantity)s unidades.")
            % {"sku": item.sku, "quantity": form.cleaned_data["quantity"]},
        )
    return redirect(back)


@require_POST
@member_required
def upload_view(request: HttpRequest) -> HttpResponse:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.STOCK_UPLOAD_MAX_BYTES
    if declared.isdigit() and int(declared) > limit + UPLOAD_OVERHEAD_BYTES:
        # refused before reading a body far over the limit
        too_large = PayloadTooLarge(
            _("El archivo es demasiado grande; el máximo es %(limit).0f MB.") % {"limit": limit / 1_048_576}
        )
        return _refused_upload(request, UploadForm(), too_large)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Elige un archivo CSV o XLSX."))
        return _stock_page(request, upload_form=form, status=400)
    try:
        upload = read_upload(seller=request.seller, actor=request.user, file=form.cleaned_data["file"])
    except DomainError as refused:
        return _refused_upload(request, form, refused)
    return redirect("dashboard:stock_upload", upload_id=upload.pk)


def _refused_upload(request: HttpRequest, form: UploadForm, refused: DomainError) -> HttpResponse:
    """The Stock page again, the file's problem beside the field, with the error's status (400/413/415)."""
    if form.is_bound:
        form.add_error("file", refused.message)
    messages.error(request, error_text(refused))
    return _stock_page(request, upload_form=form, status=refused.status_code)


@require_GET
@member_required
def upload_page(request: HttpRequest, upload_id: int) -> HttpResponse:
    try:
        upload = upload_of(seller=request.seller, upload_id=upload_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "dashboard/stock_upload.html",
        {
            "upload": upload,
            "counts": preview_counts(upload) if upload.status == "preview" else None,
            "errors": upload_errors(upload=upload),
        },
    )


@require_POST
@member_required
def confirm_upload_view(request: HttpRequest, upload_id: int) -> HttpResponse:
    try:
        upload, applied = apply_upload(seller=request.seller, upload_id=upload_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, error_text(refused))
        return redirect("dashboard:stock_upload", upload_id=upload_id)
    if applied:
        messages.success(request, _("Carga aplicada: %(rows)s filas.") % {"rows": upload.row_count})
    else:
        messages.info(request, _("Esta carga ya se había aplicado; no se volvió a aplicar."))
    return redirect("dashboard:stock")


def short_stock_message(request: HttpRequest, refused: StockUnavailable, *, order_id: int):
    """«Iniciar manejo» refused for stock: the message names each short SKU as a link to set its stock."""
    links = []
    for sku in refused.short_skus:
        item_id = refused.items.get(sku)
        if item_id:
            url = reverse("dashboard:stock_item", args=[item_id]) + "?" + urlencode({"orden": order_id})
        else:
            url = reverse("dashboard:stock") + "?" + urlencode({"q": sku})
        links.append((url, sku))
    return format_html(
        "{} {} {}",
        _("Stock insuficiente para:"),
        format_html_join(", ", '<a href="{}" data-testid="short-sku">{}</a>', links),
        _("— actualiza su stock o cancela la orden."),
    )
