/* dondoc console: its one script, served from /static/ (the pages carry no
   inline script; the Content-Security-Policy allows this origin's files
   only). Every page works without it; it adds three buttons:

   - "Chép tin nhắn Zalo" copies the text in the read-only box beside it
     (web/zalo.rs). The clipboard API needs a secure context (https, or
     the console on 127.0.0.1) and the browser's leave; without them the
     box is shown with its text selected, for Ctrl+C or a long press.
   - "In danh sách" prints the page (the list of who has not sent);
   - × closes a confirmation or a refusal. */
(function () {
  "use strict";

  function say(status, text) {
    if (status) {
      status.textContent = text;
    }
  }

  /* The box shown, its whole text selected, and the old copy command
     tried (it still works over plain http in most browsers). */
  function selectForCopy(box, status) {
    box.hidden = false;
    box.focus();
    box.select();
    box.setSelectionRange(0, box.value.length);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    }
    say(status, copied
      ? "Đã chép; dán (Ctrl+V) vào Zalo."
      : "Nội dung đã được chọn: bấm Ctrl+C (trên điện thoại: chạm giữ, chọn Sao chép) rồi dán vào Zalo.");
  }

  function copyButton(button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) {
      return;
    }
    var status = button.parentNode.querySelector(".copied");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = box.value;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          say(status, "Đã chép; dán (Ctrl+V) vào Zalo.");
        }, function () {
          selectForCopy(box, status);
        });
      } else {
        selectForCopy(box, status);
      }
    });
  }

  function ready() {
    /* The × of a confirmation or a refusal: puts it away. */
    Array.prototype.forEach.call(document.querySelectorAll(".flash button.dismiss"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        button.parentNode.hidden = true;
      });
    });
    var buttons = document.querySelectorAll("button.copy[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      copyButton(buttons[i]);
    }
    var print = document.querySelectorAll("button.print");
    for (var j = 0; j < print.length; j++) {
      print[j].hidden = false;
      print[j].addEventListener("click", function () {
        window.print();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
