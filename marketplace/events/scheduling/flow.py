"""Exact pitch placement once the panels are known, by min-cost flow.

With every investor's room fixed, each (room, slot) cell has a known panel, so placing pitches
is a weighted bipartite matching between enterprises and cells: maximum flow first (fairness:
as many enterprises placed as possible), then minimum cost (cost = -quality). Min-cost flow
solves it exactly in milliseconds where CP-SAT spends seconds in presolve on the same 50k
variables, so facilitator-fixed panels (the usual case) are always proven optimal.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from marketplace.events.scheduling.greedy import greedy_meetings
from marketplace.events.scheduling.problems import Assignment, MeetingProblem, PanelProblem
from marketplace.events.scheduling.rules import free_slots


def place_pitches(problem: PanelProblem, seating: dict[int, int]) -> list[Assignment]:
    """The plan placing the most enterprises and, among those, of highest total quality, given
    each investor's room in `seating` (unseated investors hear nothing). No side effects.
    Raises RuntimeError if the flow solver fails (it cannot for valid input)."""
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    cells = {}
    for room in problem.rooms:
        for slot in problem.slots:
            ids = tuple(
                sorted(i for i, r in seating.items() if r == room.id and slot.index in free_i[i])
            )
            if len(ids) >= problem.min_panel_size:
                cells[(room.id, slot.index)] = ids
    enterprises = [e.id for e in problem.enterprises]
    # Nodes: 0 source, 1 sink, then enterprises, then cells.
    e_node = {e: 2 + n for n, e in enumerate(enterprises)}
    c_node = {c: 2 + len(enterprises) + n for n, c in enumerate(cells)}
    tails, heads, costs, arcs = [], [], [], []
    for e in problem.enterprises:
        mine = free_slots(problem, e)
        tails.append(0), heads.append(e_node[e.id]), costs.append(0)
        for cell, ids in cells.items():
            if cell[1] in mine and not any((e.id, i) in problem.no_thanks for i in ids):
                arcs.append((len(tails), e.id, cell))
                tails.append(e_node[e.id]), heads.append(c_node[cell])
                costs.append(-sum(problem.weight(e.id, i) for i in ids))
    for cell in cells:
        tails.append(c_node[cell]), heads.append(1), costs.append(0)
    if not arcs:
        return []
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, [1] * len(tails), costs)
    flow.set_node_supply(0, len(enterprises))
    flow.set_node_supply(1, -len(enterprises))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    plan = [
        Assignment(cell[1], cell[0], e, cells[cell]) for arc, e, cell in arcs if flow.flow(arc) > 0
    ]
    return sorted(plan)


def pair_meetings(problem: MeetingProblem, *, time_limit_s: float) -> list[Assignment]:
    """A strong starting plan for meetings mode, in two exact steps and a greedy fill.

    1. Choose pairs by min-cost flow, ignoring the clock: each enterprise's first
       `min_meetings_per_enterprise` meetings earn a large reward (fairness), every pair its
       weight; caps are the per-person maxima and free slots.
    2. Give the chosen pairs slots with a small CP-SAT model (a pair may lose out when the
       clocks do not fit), keeping each enterprise's minimum first.
    3. Fill what is left greedily. No side effects; raises nothing.
    """
    started = time.perf_counter()
    free_e = {p.id: free_slots(problem, p) for p in problem.enterprises}
    free_i = {p.id: free_slots(problem, p) for p in problem.investors}
    need = problem.min_meetings_per_enterprise
    reward = 1 + 2 * max((problem.weight(e, i) for e in free_e for i in free_i), default=0)
    e_node = {e: 2 + n for n, e in enumerate(free_e)}
    i_node = {i: 2 + len(free_e) + n for n, i in enumerate(free_i)}
    tails, heads, caps, costs, pair_arcs = [0], [1], [len(free_e) * len(free_i)], [0], []
    for e, mine in free_e.items():
        cap = min(problem.cap("enterprise"), len(mine))
        for n, c in ((min(need, cap), -reward), (cap - min(need, cap), 0)):
            tails.append(0), heads.append(e_node[e]), caps.append(n), costs.append(c)
        for i, theirs in free_i.items():
            if mine & theirs and problem.preference(e, i) != "no":
                pair_arcs.append((len(tails), e, i))
                tails.append(e_node[e]), heads.append(i_node[i]), caps.append(1)
                costs.append(-problem.weight(e, i))
    for i, theirs in free_i.items():
        (
            tails.append(i_node[i]),
            heads.append(1),
            caps.append(min(problem.cap("investor"), len(theirs))),
        )
        costs.append(0)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(0, caps[0])
    flow.set_node_supply(1, -caps[0])
    if flow.solve() != flow.OPTIMAL:
        return greedy_meetings(problem)
    pairs = [(e, i) for arc, e, i in pair_arcs if flow.flow(arc) > 0]
    model = cp_model.CpModel()
    y = {
        (e, i, t): model.new_bool_var(f"y{e}_{i}_{t}")
        for e, i in pairs
        for t in sorted(free_e[e] & free_i[i])
    }
    groups: dict[tuple, list] = defaultdict(list)
    for (e, i, t), var in y.items():
        for key in (("e", e, t), ("i", i, t), ("p", e, i), ("t", t)):
            groups[key].append(var)
    for key, vars_ in groups.items():
        if key[0] != "t":
            model.add_at_most_one(vars_)
        elif len(vars_) > problem.tables:
            model.add(cp_model.LinearExpr.sum(vars_) <= problem.tables)
    by_enterprise = defaultdict(list)
    for (e, _, _), var in y.items():
        by_enterprise[e].append(var)
    reached = []
    for e, mine in by_enterprise.items():
        if need:
            reached.append(model.new_int_var(0, need, f"q{e}"))
            model.add(reached[-1] <= cp_model.LinearExpr.sum(mine))
    model.maximize(
        reward * 4 * sum(reached) + sum(problem.weight(e, i) * v for (e, i, _), v in y.items())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(
        time_limit_s - (time.perf_counter() - started), 0.01
    )
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_probing_level = 0  # see solver.run_phases
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy_meetings(problem)
    booked = [(t, e, i) for (e, i, t), var in y.items() if solver.value(var)]
    return greedy_meetings(problem, booked)
