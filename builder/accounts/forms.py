"""Forms of the server-rendered account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation


class InvitationSignUpForm(forms.Form):
    """The invited person's username and password (the e-mail comes from the invitation)."""

    username = forms.CharField(
        max_length=150,
        validators=[get_user_model().username_validator],
        help_text="Letters, digits and @/./+/-/_ only.",
    )
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken; choose another.")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password1"), data.get("password2")
        if password and again and password != again:
            self.add_error("password2", "The two passwords differ.")
        elif password:
            # The validators compare the password with the person's username and e-mail too.
            person = get_user_model()(username=data.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(password, user=person)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
