"""Bridges to other tools.

* :mod:`musframework.interop.surveyjs`: export questionnaires to SurveyJS survey JSON, import
  SurveyJS result data as responses, and import SurveyJS surveys as questionnaires.
"""

from musframework.interop import surveyjs

__all__ = ["surveyjs"]
