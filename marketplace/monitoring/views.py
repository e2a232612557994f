from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace import formatting, web
from marketplace.extensions import db
from marketplace.forms import Attempt, add_problems, confirmed, form_status
from marketplace.monitoring import (
    charts,
    check_ins,
    exports,
    forms,
    permissions,
    reports,
    snapshots,
    targets,
)
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.models import CheckIn, Target
from marketplace.profiles import consents
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise
from marketplace.programmes import groups
from marketplace.programmes.access import programme_or_404
from marketplace.programmes.models import Programme

bp = Blueprint("monitoring", __name__)


def _programme(programme_id: int) -> Programme:
    """The programme whose monitoring the URL names: its facilitators and the admin."""
    return programme_or_404(programme_id, may=permissions.can_view_monitoring, admin_too=True)


@bp.get("/programmes/<int:programme_id>/monitoring")
@login_required
def dashboard(programme_id: int):
    programme = _programme(programme_id)
    return _dashboard(programme, forms.TargetForm(formdata=None))


def _report(programme: Programme):
    """The programme's report, for its priority kabupaten/kota only with `?areas=priority`
    (and a priority list to apply): the dashboard, its lists and exports read the same."""
    return reports.programme_report(programme=programme, regencies=_areas(programme))


def _areas(programme: Programme) -> frozenset[str] | None:
    if request.args.get("areas") != "priority":
        return None
    return frozenset(groups.priority_regencies([programme.id])) or None


def _dashboard(programme: Programme, target_form):
    report = _report(programme)
    indicator = request.args.get("indicator", "enterprises_supported")
    if indicator not in ind.INDICATORS:
        indicator = "enterprises_supported"
    spec = ind.INDICATORS[indicator]
    disaggregation = request.args.get("by", "women_led")
    if disaggregation not in spec.disaggregations:
        disaggregation = spec.disaggregations[0]
    table = report.breakdown(indicator, disaggregation)
    return render_template(
        "monitoring/dashboard.html",
        programme=programme,
        report=report,
        indicators=ind.INDICATORS,
        step_labels=ind.STEP_LABELS,
        disaggregations=ind.DISAGGREGATIONS,
        indicator=indicator,
        disaggregation=disaggregation,
        table=table,
        charts=_charts(report, table),
        target_form=target_form,
        can_set=permissions.can_set_targets(current_user, programme),
        target_rows=_target_rows(programme),
        priority_count=len(groups.priority_regencies([programme.id])),
        areas="priority" if _areas(programme) else None,
    ), form_status(target_form)


def _target_rows(programme: Programme) -> list[Target]:
    return db.session.scalars(
        select(Target)
        .where(Target.programme_id == programme.id)
        .order_by(Target.indicator, Target.period)
    ).all()


def _charts(report, table) -> dict:
    funnel = charts.bars(
        [(str(ind.STEP_LABELS[s.step]), s.count, str(s.count)) for s in report.funnel],
        title=_("The funnel"),
    )
    # Indicators of different units share one chart as the share of their target reached
    # (the red tick is 100 %), each bar labelled with its own figures.
    targets = charts.bars(
        [
            (
                f"{ind.INDICATORS[t.indicator].name} {t.period}",
                min(t.percent or 0, 150),
                f"{t.percent or 0} % · {_figure(t.indicator, t.actual)} / "
                f"{_figure(t.indicator, t.target)}",
            )
            for t in report.targets
        ],
        title=_("Targets against actuals"),
        target=[100 for _t in report.targets],
    )
    breakdown = charts.bars(
        [
            (c.label, c.value if c.mark == "shown" and not table.withheld else None, str(c.shown))
            for c in table.cells
        ],
        title=_("Breakdown"),
    )
    routes = charts.bars(
        [
            (c.label, c.value if c.mark == "shown" else None, str(c.shown))
            for c in report.routes.cells
        ],
        title=_("Financed, by route"),
    )
    return {"funnel": funnel, "targets": targets, "breakdown": breakdown, "routes": routes}


def _figure(indicator: str, value: int) -> str:
    if ind.INDICATORS[indicator].unit == "rupiah":
        return formatting.rupiah_short(value)
    return formatting.number(value, digits=0)


@bp.post("/programmes/<int:programme_id>/monitoring/targets")
@login_required
def set_target(programme_id: int):
    programme = _programme(programme_id)
    if not permissions.can_set_targets(current_user, programme):
        abort(403)
    form = forms.TargetForm()
    saved = _save_target(
        programme,
        form,
        indicator=form.indicator.data,
        period=form.period.data,
        save=lambda: targets.set_target(
            actor=current_user,
            programme=programme,
            indicator=form.indicator.data,
            period=form.period.data,
            target=form.target.amount,
            baseline=form.baseline.amount,
            donor_code=form.donor_code.data,
        ),
    )
    return saved or _dashboard(programme, form)


def _save_target(programme: Programme, form, *, indicator, period, save):
    """Run `save` for a valid target form and go back to the dashboard with any warning
    (a baseline above the target); otherwise put the target's problems on the form and answer
    None, for the caller to show it again."""
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Target saved.")) as outcome:
            save()
        if outcome.ok:
            for warning in targets.target_warnings(
                target=form.target.amount, baseline=form.baseline.amount
            ):
                flash(str(warning), "warning")
            return redirect(url_for("monitoring.dashboard", programme_id=programme.id))
        return None
    add_problems(
        form,
        targets.target_problems(
            indicator=indicator,
            period=period,
            target=form.target.amount,
            baseline=form.baseline.amount,
        ),
    )
    return None


def _target_to_manage(programme_id: int, target_id: int) -> tuple[Programme, Target]:
    programme = _programme(programme_id)
    web.require_permission(permissions.can_set_targets, programme)
    return programme, web.visible_or_404(Target, target_id, programme_id=programme.id)


@bp.route(
    "/programmes/<int:programme_id>/monitoring/targets/<int:target_id>", methods=["GET", "POST"]
)
@login_required
def edit_target(programme_id: int, target_id: int):
    programme, row = _target_to_manage(programme_id, target_id)
    unit = ind.INDICATORS[row.indicator].unit if row.indicator in ind.INDICATORS else "rupiah"
    if request.method == "GET":
        form = forms.TargetEditForm(
            formdata=None,
            unit=unit,
            data={"target": row.target, "baseline": row.baseline, "donor_code": row.donor_code},
        )
    else:
        form = forms.TargetEditForm(unit=unit)
        saved = _save_target(
            programme,
            form,
            indicator=row.indicator,
            period=row.period,
            save=lambda: targets.update_target(
                actor=current_user,
                target_row=row,
                target=form.target.amount,
                baseline=form.baseline.amount,
                donor_code=form.donor_code.data,
            ),
        )
        if saved:
            return saved
    return render_template(
        "monitoring/target_edit.html",
        programme=programme,
        target=row,
        spec=ind.INDICATORS.get(row.indicator),
        form=form,
    ), form_status(form)


@bp.post("/programmes/<int:programme_id>/monitoring/targets/<int:target_id>/delete")
@login_required
def delete_target(programme_id: int, target_id: int):
    programme, row = _target_to_manage(programme_id, target_id)
    if not confirmed():
        return redirect(
            url_for("monitoring.edit_target", programme_id=programme.id, target_id=row.id)
        )
    with Attempt(success=_("Target removed.")) as outcome:
        targets.delete_target(actor=current_user, target_row=row)
    if outcome.ok:
        return redirect(url_for("monitoring.dashboard", programme_id=programme.id) + "#targets")
    return redirect(url_for("monitoring.edit_target", programme_id=programme.id, target_id=row.id))


@bp.get("/programmes/<int:programme_id>/monitoring/funnel/<step>")
@login_required
def funnel_list(programme_id: int, step: str):
    programme = _programme(programme_id)
    if step not in ind.STEPS:
        abort(404)
    report = _report(programme)
    rows = sorted(
        (r for r in report.rows if r.dates.get(step) is not None), key=lambda r: r.name.lower()
    )
    return render_template(
        "monitoring/funnel_list.html",
        programme=programme,
        step=step,
        label=ind.STEP_LABELS[step],
        rows=rows,
        cohorts=report.cohorts,
    )


@bp.get("/programmes/<int:programme_id>/monitoring/report.csv")
@login_required
def export_csv(programme_id: int):
    programme = _programme(programme_id)
    report = _report(programme)
    return web.download(
        "\ufeff" + exports.report_csv(report),
        mimetype="text/csv",
        filename=f"monitoring-{programme.id}.csv",
    )


@bp.get("/programmes/<int:programme_id>/monitoring/report.xlsx")
@login_required
def export_xlsx(programme_id: int):
    programme = _programme(programme_id)
    report = _report(programme)
    return web.download(
        exports.report_workbook(report),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"monitoring-{programme.id}.xlsx",
    )


@bp.get("/monitoring")
def public():
    # Drawn from the snapshot at the end of the last complete month, never live: a single
    # change (one grant, one consent withdrawn) cannot be seen by comparing two visits.
    figures = snapshots.public_figures(snapshots.public_snapshot())
    funnel = charts.bars(
        [
            (str(ind.STEP_LABELS[step]), value if mark == "shown" else None, str(shown))
            for step, value, mark, shown in figures["funnel"]
        ],
        title=_("The funnel"),
    )
    return render_template(
        "monitoring/public.html",
        indicators=ind.INDICATORS,
        step_labels=ind.STEP_LABELS,
        public=figures,
        charts={"funnel": funnel},
    )


# --- check-ins -------------------------------------------------------------------------------
def _enterprise_for_check_in(enterprise_id: int) -> Enterprise:
    return enterprise_or_404(enterprise_id, edit=True, may_edit=permissions.can_check_in)


@bp.route("/enterprises/<int:enterprise_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(enterprise_id: int):
    enterprise = _enterprise_for_check_in(enterprise_id)
    if request.method == "GET":
        # A month that already has a check-in opens with its saved figures (`?month=2026-10`,
        # the links of "Earlier check-ins"); without one, the month most owners report.
        # A month no check-in may be for (`?month=1900-01`) opens the default one instead.
        month = _month_arg(request.args.get("month"))
        if month is None or not (
            check_ins.earliest_check_in_month(enterprise) <= month <= dt.date.today()
        ):
            month = check_ins.default_check_in_month(enterprise)
        saved = check_ins.check_in_for(enterprise, month)
        return _check_in_page(enterprise, forms.check_in_form(month, saved), saved=saved)
    form = forms.CheckInForm()
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Check-in saved.")) as outcome:
            row = check_ins.record_check_in(
                actor=current_user,
                enterprise=enterprise,
                month=form.month.data or check_ins.default_check_in_month(enterprise),
                revenue=form.revenue.amount,
                employees_women=form.employees_women.data,
                employees_men=form.employees_men.data,
                finance={code: getattr(form, f"finance_{code}").amount for code in _route_codes()},
            )
            month = row.month
        if outcome.ok:
            return redirect(
                url_for("monitoring.check_in", enterprise_id=enterprise.id, month=f"{month:%Y-%m}")
            )
    else:
        add_problems(
            form,
            check_ins.check_in_problems(
                month=form.month.data,
                revenue=form.revenue.amount,
                employees_women=form.employees_women.data,
                employees_men=form.employees_men.data,
                finance={code: getattr(form, f"finance_{code}").amount for code in _route_codes()},
                today=dt.date.today(),
                earliest=check_ins.earliest_check_in_month(enterprise),
            ),
        )
    month = form.month.data if isinstance(form.month.data, dt.date) else None
    return _check_in_page(enterprise, form, saved=check_ins.check_in_for(enterprise, month))


def _month_arg(value: str | None) -> dt.date | None:
    """`2026-10` → 1 Oct 2026; anything else None (the default month is used instead)."""
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def _route_codes():
    from marketplace import vocab

    return list(vocab.ROUTES)


def _check_in_page(enterprise, form, age_form=None, saved=None):
    age_form = age_form or forms.OwnerAgeForm(
        formdata=None,
        data={"birth_year": enterprise.owner_birth_year, "counted": enterprise.share_owner_age},
    )
    history = db.session.scalars(
        select(CheckIn)
        .where(CheckIn.enterprise_id == enterprise.id)
        .order_by(CheckIn.month.desc())
        .limit(24)
    ).all()
    return render_template(
        "monitoring/check_in.html",
        enterprise=enterprise,
        form=form,
        age_form=age_form,
        consent_states=consents.current(enterprise),
        consent_labels=consents.PURPOSE_LABELS,
        history=history,
        saved=saved,
        route_codes=_route_codes(),
    ), form_status(form, age_form)


@bp.post("/enterprises/<int:enterprise_id>/owner-age")
@login_required
def owner_age(enterprise_id: int):
    enterprise = _enterprise_for_check_in(enterprise_id)
    form = forms.OwnerAgeForm()
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Saved.")) as outcome:
            check_ins.set_owner_age(
                actor=current_user,
                enterprise=enterprise,
                birth_year=form.birth_year.data,
                counted=form.counted.data,
            )
        if outcome.ok:
            return redirect(url_for("monitoring.check_in", enterprise_id=enterprise.id) + "#age")
    else:
        add_problems(
            form,
            check_ins.owner_age_problems(
                birth_year=form.birth_year.data, counted=bool(form.counted.data)
            ),
        )
    month = check_ins.default_check_in_month(enterprise)
    saved = check_ins.check_in_for(enterprise, month)
    return _check_in_page(enterprise, forms.check_in_form(month, saved), form, saved=saved)
