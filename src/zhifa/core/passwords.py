from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """等保2.0 password complexity: at least three of lower, upper, digit, symbol."""

    def validate(self, password, user=None):
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 3:
            raise ValidationError("密码须至少包含小写字母、大写字母、数字、符号中的三类", code="password_classes")

    def get_help_text(self):
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"
