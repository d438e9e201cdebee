/* django_celery_beat's periodic task form: show the chosen crontab in words below the field.
 * The package's template does this in an inline script, which the CSP blocks; see
 * templates/admin/djcelery/change_periodictask_form.html. */
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  if (!$ || !script || !data) return;
  var readable = JSON.parse(data.textContent);
  var original = script.dataset.crontabHelp || "";

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help").first();
    help.text(original);
    help.append(document.createElement("br"), document.createTextNode(
      "Translation: " + (readable[$("#id_crontab").val()] || "")));
  });
})();
