"""The CP-SAT models of both modes and the two-phase solve that drives them.

Phase 1 maximises the number of enterprises placed; it is skipped when the starting plan already
places everyone who can be placed alone (nothing better exists). Phase 2 fixes that number as a
lower bound and maximises total match quality. Keeping the phases apart (rather than one weighted
objective) keeps the reported bound and gap in units of match quality that a facilitator reads.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from ortools.sat.python import cp_model

from marketplace.events.scheduling.problems import Assignment, MeetingProblem, PanelProblem
from marketplace.events.scheduling.rules import assign_tables, free_slots, panel_cells

ProgressFn = Callable[[float, str], None]
Sum = cp_model.LinearExpr.sum
Plan = tuple[list[Assignment], dict[int, int]]


@dataclass
class Model:
    """A built CP-SAT model with what the driver needs to hint, solve and decode it."""

    model: cp_model.CpModel
    placed: list[cp_model.IntVar]  # true when an enterprise is placed
    quality: cp_model.LinearExpr
    hint: Callable[[Plan], dict[cp_model.IntVar, int]]
    decode: Callable[[Callable[[cp_model.IntVar], int]], Plan]
    always_placed: int = 0  # enterprises placed whatever happens (min_meetings == 0)
    variables: list[cp_model.IntVar] = field(default_factory=list)


def build_panel_model(problem: PanelProblem) -> Model:
    """The panel model. x[e, room, slot]: e pitches there; y[i, room]: a floating investor is
    seated in room; z[e, i, room]: i hears e (linearises x AND y). Raises nothing."""
    m = cp_model.CpModel()
    fixed = {i: r for i, r in problem.panel_assignment.items() if r is not None}
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    floating = [p.id for p in problem.investors if p.id not in fixed]
    present = defaultdict(list)  # fixed panellists at (room, slot)
    for i, r in fixed.items():
        for t in free_i[i]:
            present[(r, t)].append(i)
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    coef: dict[tuple[int, int, int], int] = {}
    for e in problem.enterprises:
        for r, t in panel_cells(problem, e):
            x[(e.id, r, t)] = m.new_bool_var(f"x{e.id}_{r}_{t}")
            coef[(e.id, r, t)] = sum(problem.weight(e.id, i) for i in present[(r, t)])
    by_enterprise, by_cell = defaultdict(list), defaultdict(list)
    for (e, r, t), var in x.items():
        by_enterprise[e].append(var)
        by_cell[(r, t)].append(var)
    for vars_ in (*by_enterprise.values(), *by_cell.values()):
        m.add_at_most_one(vars_)
    seats_left = {
        room.id: room.capacity_investors - sum(1 for r in fixed.values() if r == room.id)
        for room in problem.rooms
    }
    y = {(i, r): m.new_bool_var(f"y{i}_{r}") for i in floating for r in seats_left if seats_left[r]}
    for i in floating:
        m.add_at_most_one(y[(i, r)] for r in seats_left if (i, r) in y)
    for r, n in seats_left.items():
        m.add(Sum([y[(i, r)] for i in floating if (i, r) in y]) <= n)
    # A pitch needs min_panel_size panellists present; floating ones must make up the shortfall.
    for (r, t), pitches in by_cell.items():
        need = problem.min_panel_size - len(present[(r, t)])
        if need > 0:
            helpers = [y[(i, r)] for i in floating if (i, r) in y and t in free_i[i]]
            m.add(need * Sum(pitches) <= Sum(helpers))

    def hearing(e: int, i: int, r: int) -> list[cp_model.IntVar]:
        return [x[(e, r, t)] for t in free_i[i] if (e, r, t) in x]

    z = {}
    for e in problem.enterprises:
        for i in floating:
            for r in seats_left:
                if (i, r) not in y or not (terms := hearing(e.id, i, r)):
                    continue
                if (e.id, i) in problem.no_thanks:
                    m.add(y[(i, r)] + Sum(terms) <= 1)
                elif problem.weight(e.id, i) > 0:
                    z[(e.id, i, r)] = var = m.new_bool_var(f"z{e.id}_{i}_{r}")
                    m.add(var <= y[(i, r)])
                    m.add(var <= Sum(terms))
    weighted = [(x[k], c) for k, c in coef.items() if c]
    weighted += [(var, problem.weight(e, i)) for (e, i, _), var in z.items()]
    quality = cp_model.LinearExpr.weighted_sum([v for v, _ in weighted], [c for _, c in weighted])
    placed = [v for vs in by_enterprise.values() for v in vs]

    def hint(plan: Plan) -> dict[cp_model.IntVar, int]:
        assignments, seating = plan
        chosen = {(a.enterprise_id, a.room, a.slot) for a in assignments}
        values = {var: int(k in chosen) for k, var in x.items()}
        values |= {var: int(seating.get(i) == r) for (i, r), var in y.items()}
        for (e, i, r), var in z.items():
            heard = any(values[v] for v in hearing(e, i, r))
            values[var] = int(heard and seating.get(i) == r)
        return values

    def decode(value: Callable[[cp_model.IntVar], int]) -> Plan:
        seating = dict(fixed) | {i: r for (i, r), var in y.items() if value(var)}
        plan = [
            Assignment(
                t, r, e, tuple(sorted(i for i, s in seating.items() if s == r and t in free_i[i]))
            )
            for (e, r, t), var in x.items()
            if value(var)
        ]
        return sorted(plan), seating

    return Model(
        m, placed, quality, hint, decode, variables=[*x.values(), *y.values(), *z.values()]
    )


def build_meeting_model(problem: MeetingProblem, placeable: set[int]) -> Model:
    """The meetings model. x[e, i, slot]: the pair meets then; p[e]: e reaches the minimum
    number of meetings (only for `placeable` enterprises). Raises nothing."""
    m = cp_model.CpModel()
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for e in problem.enterprises:
        mine = free_slots(problem, e)
        for i in free_i:
            if problem.preference(e.id, i) != "no":
                for t in sorted(mine & free_i[i]):
                    x[(e.id, i, t)] = m.new_bool_var(f"x{e.id}_{i}_{t}")
    groups: dict[tuple, list[cp_model.IntVar]] = defaultdict(list)
    for (e, i, t), var in x.items():
        for key in (("et", e, t), ("it", i, t), ("pair", e, i), ("t", t), ("e", e), ("i", i)):
            groups[key].append(var)
    limit = {"et": 1, "it": 1, "pair": 1, "t": problem.tables}
    limit |= {"e": problem.cap("enterprise"), "i": problem.cap("investor")}
    for key, vars_ in groups.items():
        cap = limit[key[0]]
        if cap == 1 and len(vars_) > 1:
            m.add_at_most_one(vars_)
        elif len(vars_) > cap:
            m.add(Sum(vars_) <= cap)
    need = problem.min_meetings_per_enterprise
    p = {}
    if need:
        for e in sorted(placeable):
            p[e] = m.new_bool_var(f"p{e}")
            m.add(Sum(groups[("e", e)]) >= need * p[e])
    quality = cp_model.LinearExpr.weighted_sum(
        list(x.values()), [problem.weight(e, i) for e, i, _ in x]
    )

    def hint(plan: Plan) -> dict[cp_model.IntVar, int]:
        chosen = {(a.enterprise_id, i, a.slot) for a in plan[0] for i in a.investor_ids}
        values = {var: int(k in chosen) for k, var in x.items()}
        for e, var in p.items():
            values[var] = int(sum(values[v] for v in groups[("e", e)]) >= need)
        return values

    def decode(value: Callable[[cp_model.IntVar], int]) -> Plan:
        return assign_tables((t, e, i) for (e, i, t), var in x.items() if value(var)), {}

    always = 0 if need else len(problem.enterprises)
    return Model(
        m, list(p.values()), quality, hint, decode, always, variables=[*x.values(), *p.values()]
    )


@dataclass
class Outcome:
    """What the two phases found: the best plan's variable values and what is proven."""

    values: dict[cp_model.IntVar, int]
    placed: int
    placed_proven: bool
    status: str  # 'optimal' | 'feasible' | 'greedy_only'
    bound: float | None
    improved: bool


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution; runs on a solver thread, so `report` must be safe there."""

    def __init__(self, report: ProgressFn, span: tuple[float, float], budget: float, phase: int):
        super().__init__()
        self._report, self._span, self._budget, self._phase = report, span, budget, phase

    def on_solution_callback(self) -> None:
        lo, hi = self._span
        fraction = lo + (hi - lo) * min(1.0, self.wall_time / max(self._budget, 1e-3))
        value, bound = round(self.objective_value), math.floor(self.best_objective_bound + 1e-6)
        if self._phase == 1:
            message = _l("%(placed)s enterprises placed so far", placed=value)
        else:
            message = _l(
                "Schedule quality %(value)s, at most %(bound)s possible", value=value, bound=bound
            )
        self._report(fraction, message)


def run_phases(
    built: Model,
    start: Plan,
    *,
    placeable: int,
    deadline: float,
    report: ProgressFn,
    num_workers: int,
    seed: int,
    gap_limit_pct: float = 0.0,
) -> Outcome:
    """Solve phase 1 (when needed) and phase 2 until `deadline` (a time.perf_counter value).
    Side effect: calls `report` with progress. Raises nothing; runs out of time gracefully."""
    m = built.model
    values = built.hint(start)
    placed = built.always_placed + sum(values[v] for v in built.placed)
    proven = placed >= placeable
    status, bound, improved = "greedy_only", None, False

    def solve(phase: int, span: tuple[float, float], budget: float):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = num_workers
        solver.parameters.random_seed = seed
        # Measured on the benchmark events: probing and symmetry detection spend seconds in
        # presolve on these assignment models and buy nothing the LP bound does not give.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        if phase == 2:
            solver.parameters.relative_gap_limit = gap_limit_pct / 100
        m.clear_hints()
        for var, val in values.items():
            m.add_hint(var, val)
        code = solver.solve(m, _Progress(report, span, budget, phase))
        return solver, code

    if not proven and (remaining := deadline - time.perf_counter()) > 0.05:
        m.maximize(Sum(built.placed))
        solver, code = solve(1, (0.1, 0.4), remaining * 0.4)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = built.always_placed + round(solver.objective_value)
            if found > placed:
                placed, improved, status = found, True, "feasible"
                values = {v: solver.value(v) for v in built.variables}
            proven = code == cp_model.OPTIMAL
    if (remaining := deadline - time.perf_counter()) > 0.05:
        if built.placed:
            m.add(Sum(built.placed) >= placed - built.always_placed)
        m.maximize(built.quality)
        solver, code = solve(2, (0.4, 0.99), remaining)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = solver.best_objective_bound
            values = {v: solver.value(v) for v in built.variables}
            improved = True
            # CP-SAT says OPTIMAL when it stops at the gap limit; only a closed gap is optimal.
            closed = math.floor(bound + 1e-6) <= round(solver.objective_value)
            status = "optimal" if code == cp_model.OPTIMAL and closed and proven else "feasible"
    return Outcome(values, placed, proven, status, bound, improved)
