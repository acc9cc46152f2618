"""Identifier validators, checked against the published examples (FACTS I)."""

import pytest

from zhifa.core.validators import (
    ValidationProblem,
    mask_id_number,
    mask_phone,
    parse_plate,
    plate_pattern,
    validate_id_number,
    validate_phone,
    validate_uscc,
)


@pytest.mark.parametrize(
    "code", ["91350200776049653A", "91350500798359476R", "91440101MA5CJQ4N59", "913502000728319549"]
)
def test_published_uscc_samples_pass(code):
    assert validate_uscc(code) == code


def test_uscc_is_normalised():
    assert validate_uscc(" 91350200776049653a ") == "91350200776049653A"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91350200776049653B", "uscc.checksum"),  # last character changed
        ("91350203M0001QAY9B", "uscc.checksum"),  # a real code known to fail its checksum
        ("9135020077604965", "uscc.length"),
        ("91350200776O49653A", "uscc.format"),  # letter O is not in the GB 32100 character set
        ("", "uscc.required"),
    ],
)
def test_bad_uscc_is_refused_with_rule_and_field(code, rule):
    with pytest.raises(ValidationProblem) as err:
        validate_uscc(code)
    assert err.value.code == rule
    assert err.value.field == "uscc"
    assert "统一社会信用代码" in err.value.message


def test_published_id_example_passes_and_lowercase_x_is_normalised():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("110105194912310021", "id_number.checksum"),
        ("110105194913310021", "id_number.birth_date"),  # month 13, correct check digit
        ("1101051949123100", "id_number.format"),
        ("11010519491231002Y", "id_number.format"),
    ],
)
def test_bad_id_numbers(number, rule):
    with pytest.raises(ValidationProblem) as err:
        validate_id_number(number)
    assert err.value.code == rule and err.value.field == "id_number"
    assert "GB 11643" in err.value.message


@pytest.mark.parametrize(
    ("plate", "kind"),
    [
        ("豫R12345", "ordinary"),
        ("鲁QA12B3", "ordinary"),
        ("豫R1234挂", "trailer"),
        ("鲁QD12345", "nev_small"),  # small NEV: D then letter/digit then 4 digits
        ("鲁QFA1234", "nev_small"),
        ("豫R12345D", "nev_large"),  # large NEV: 5 digits then D/F
        ("豫R12345F", "nev_large"),
        ("豫R·12345", "ordinary"),
        ("粤B1234学", "coach"),
    ],
)
def test_valid_plates(plate, kind):
    assert parse_plate(plate).kind == kind


@pytest.mark.parametrize(
    ("plate", "fragment"),
    [
        ("豫I12345", "不得为字母I或O"),
        ("豫R1234O", "不得使用字母I或O"),
        ("X R12345", "省、自治区、直辖市简称"),
        ("鲁QA12345", "新能源"),  # 8 characters but neither NEV form
        ("豫R123456", "新能源"),
        ("豫R123", "格式错误"),
    ],
)
def test_invalid_plates_name_the_rule(plate, fragment):
    with pytest.raises(ValidationProblem) as err:
        parse_plate(plate)
    assert err.value.code == "plate.format" and err.value.field == "plate"
    assert fragment in err.value.message and "GA 36-2018" in err.value.message


def test_nev_letters_are_a_parameter():
    assert plate_pattern("DFABCEGHJK").match("鲁QA12345")
    with pytest.raises(ValidationProblem):
        parse_plate("鲁QA12345")
    assert parse_plate("鲁QA12345", nev_letters="DFABCEGHJK").kind == "nev_small"


def test_masking_keeps_first_three_and_last_four():
    assert mask_id_number("41132119800101123X") == "411***********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_phone():
    assert validate_phone("138-1234-5678") == "13812345678"
    with pytest.raises(ValidationProblem):
        validate_phone("12345")


@pytest.mark.parametrize(
    "plate",
    ["豫R１２３４５", "豫R1234５", "豫R١٢٣٤٥D", "豫R１２３４５F", "使１２３４５６", "豫R１２３４领", "鲁QD１２３４"],
)
def test_plates_take_ascii_digits_only(plate):
    # Python's \d would accept full-width and other Unicode digits; GA 36-2018 plates use 0-9
    with pytest.raises(ValidationProblem) as err:
        parse_plate(plate)
    assert err.value.code == "plate.format"
