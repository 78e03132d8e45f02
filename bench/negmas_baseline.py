"""NegMAS on a real-table case, where it is installed: the Pareto frontier of every outcome
(`pareto_frontier`), then its Nash, Kalai-Smorodinsky and maximum-welfare points on it (`nash_points`,
`kalai_points`, `max_welfare_points`), as NegMAS computes them (floating point). Linear-additive
utility functions built from the same weights and option scores as the engine's problem.

Reads {"options": [count per issue], "weights": [party][issue], "scores": [party][issue][option]}
from standard input; prints {"ms": …, "frontier": size, "negmas": version}. Used by
bench/real-table.ts where `python3 -c "import negmas"` succeeds (set PYTHONPATH to a NegMAS checkout's
src/ to use one that is not installed).
"""
import json
import sys
import time

import negmas
from negmas.outcomes import make_issue, make_os
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.ops import kalai_points, max_welfare_points, nash_points, pareto_frontier

data = json.load(sys.stdin)
issues = [make_issue(count, f"issue{i + 1}") for i, count in enumerate(data["options"])]
space = make_os(issues)
ufuns = [
    LinearAdditiveUtilityFunction(
        values=[{option: score for option, score in enumerate(row)} for row in scores],
        weights=weights,
        outcome_space=space,
        reserved_value=0.0,
    )
    for weights, scores in zip(data["weights"], data["scores"])
]
started = time.perf_counter()
frontier, _ = pareto_frontier(ufuns, issues=issues)
nash = nash_points(ufuns, frontier, outcome_space=space)
kalai = kalai_points(ufuns, frontier, outcome_space=space)
welfare = max_welfare_points(ufuns, frontier, outcome_space=space)
elapsed = (time.perf_counter() - started) * 1000
print(json.dumps({"ms": elapsed, "frontier": len(frontier), "negmas": getattr(negmas, "__version__", "?"),
                  "nash": [list(point) for point, _ in nash][:1]}))
