"""Bridges to other tools.

* :mod:`musframework.interop.surveyjs`: export questionnaires to SurveyJS survey JSON, import
  SurveyJS result data as responses, and import SurveyJS surveys as questionnaires.
* :mod:`musframework.interop.organisation_file`: read the organisation from an HR export (CSV
  or Excel, one row per person), write it back, and compare two organisations.
"""

from musframework.interop import organisation_file, surveyjs

__all__ = ["organisation_file", "surveyjs"]
