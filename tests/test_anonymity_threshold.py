"""The anonymity threshold's one home: defaults, limits and refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from musframework.errors import InvalidValueError
from musframework.model import anonymity


def test_the_default_is_five_and_the_lowest_three():
    assert anonymity.MINIMUM_GROUP_SIZE == 5
    assert not anonymity.is_reportable(4)
    assert anonymity.is_reportable(5)
    assert anonymity.is_reportable(3, minimum=3)
    assert not anonymity.is_reportable(2, minimum=3)


@pytest.mark.parametrize("minimum", [2, 0, -1, True, 4.5, "5"])
def test_a_minimum_below_three_or_not_a_whole_number_is_refused(minimum):
    with pytest.raises(InvalidValueError) as info:
        anonymity.check_minimum_group_size(minimum)
    assert "at least 3" in str(info.value)
    assert "mindst 3" in info.value.text("da")


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=3, max_value=20))
def test_reportable_exactly_from_the_minimum(size, minimum):
    assert anonymity.is_reportable(size, minimum) == (size >= minimum)
