"""The Python widget renderer writes what Django's widget templates write: a form looks
and posts the same, values and labels are escaped the same."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from frontline.core.form_renderer import FastWidgetRenderer


class Everything(forms.Form):
    text = forms.CharField(
        initial='say "<hi>" & bye',
        widget=forms.TextInput(attrs={"placeholder": "a & b", "autofocus": True, "x": False}),
    )
    choice = forms.ChoiceField(
        choices=[("", "—"), ("1", "One <b>"), ("Group & co", [("2", "Two"), ("3", "Three")])],
        initial="2",
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "X & <i>"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, initial=["y"]
    )
    one = forms.ChoiceField(choices=[("p", "P"), ("q", "Q")], widget=forms.RadioSelect)
    email = forms.EmailField(required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    flag = forms.BooleanField(initial=True)
    listing = forms.MultipleChoiceField(choices=[("1", "1"), ("2", "2")], initial=["1"])
    notes = forms.CharField(widget=forms.Textarea, initial="</textarea><script>")


def rendered(renderer):
    form = Everything(renderer=renderer)
    html = [str(form[name]) for name in form.fields]
    html += [str(box.tag()) for box in form["many"]] + [str(r.tag()) for r in form["one"]]
    return [re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", h))) for h in html]


def test_widgets_render_as_django_renders_them():
    assert rendered(FastWidgetRenderer()) == rendered(DjangoTemplates())


def test_values_and_labels_are_escaped():
    html = "".join(rendered(FastWidgetRenderer()))

    assert 'value="say &quot;&lt;hi&gt;&quot; &amp; bye"' in html
    assert "One &lt;b&gt;" in html
    assert 'label="Group &amp; co"' in html
    assert "X &amp; &lt;i&gt;" in html
    assert "<script>" not in html
