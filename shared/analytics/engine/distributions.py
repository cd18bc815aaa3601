"""Tail probabilities of the normal, Student t and F distributions, in numpy and the standard library only.

The t and F tails go through the regularized incomplete beta function I_x(a, b), evaluated by its continued
fraction (modified Lentz), on the side of x where the fraction converges quickly.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

_TINY = 1e-300
_EPSILON = 1e-15
_MAX_TERMS = 500
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def normal_upper_tail(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """P(Z > z) for a standard normal Z, elementwise (accurate far into the tail, unlike 1 - cdf)."""
    return 0.5 * _erfc(np.asarray(z, dtype=np.float64) / math.sqrt(2.0))


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for 0 <= x <= 1 and a, b > 0."""
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"the incomplete beta function is defined for 0 <= x <= 1, got {x}")
    if a <= 0.0 or b <= 0.0:
        raise ValueError(f"the incomplete beta function needs a > 0 and b > 0, got a={a}, b={b}")
    if x == 0.0 or x == 1.0:
        return x
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    # The continued fraction converges fast for x < (a + 1) / (a + b + 2); else use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of I_x(a, b), evaluated by the modified Lentz method."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPSILON:
            return h
    return h


def student_t_two_sided_p(t: float, degrees_of_freedom: float) -> float:
    """P(|T| >= |t|) for Student's t with the given degrees of freedom (an infinite t gives 0)."""
    if degrees_of_freedom <= 0:
        raise ValueError(f"the t distribution needs positive degrees of freedom, got {degrees_of_freedom}")
    if math.isinf(t):
        return 0.0
    x = degrees_of_freedom / (degrees_of_freedom + t * t)
    return min(1.0, max(0.0, regularized_incomplete_beta(x, degrees_of_freedom / 2.0, 0.5)))


def f_upper_tail(f: float, numerator_df: float, denominator_df: float) -> float:
    """P(F >= f) for Fisher's F with the given degrees of freedom."""
    if numerator_df <= 0 or denominator_df <= 0:
        raise ValueError(
            f"the F distribution needs positive degrees of freedom, got {numerator_df} and {denominator_df}"
        )
    if f <= 0:
        return 1.0
    if math.isinf(f):
        return 0.0
    x = denominator_df / (denominator_df + numerator_df * f)
    return min(1.0, max(0.0, regularized_incomplete_beta(x, denominator_df / 2.0, numerator_df / 2.0)))
